package dev.occ.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** What {@link SeparateDatabasesFirstTest} and {@link SeparateDatabasesSecondTest} share. */
final class SeparateDatabases {

    private SeparateDatabases() {
    }

    /** A database from the migrated template, plus a table that only this test class creates. */
    static TestDatabase create(String label, String ownTable) {
        TestDatabase db = TestDatabase.create(label, Servers.PROBE_MIGRATIONS);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("create table " + ownTable + " (id int)");
            s.execute("insert into probe (note) values ('" + ownTable + "')");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return db;
    }

    static void assertSeparate(TestDatabase own, String ownTable, TestDatabase other, String otherTable) {
        assertSame(Postgres.server(), own.server(), "one server per JVM");
        assertSame(own.server(), other.server(), "one server per JVM");
        assertNotEquals(own.name(), other.name());
        assertTrue(own.name().startsWith("occ_separate_"), own.name());
        assertEquals(own.name(), Servers.string(own.server(), own.name(), "select current_database()"));

        assertEquals(List.of("flyway_schema_history", ownTable, "probe"), Servers.tables(own),
                "the template's migrations plus this class's own table, not the other's");
        assertEquals(List.of("flyway_schema_history", otherTable, "probe"), Servers.tables(other));
        assertEquals(List.of(ownTable), Servers.strings(own.server(), own.name(), "select note from probe"),
                "rows written by the other class are not here");
    }
}
