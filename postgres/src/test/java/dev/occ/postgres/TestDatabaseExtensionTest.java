package dev.occ.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TestDatabaseExtension}: one database per registration, reached the same way by every route. */
class TestDatabaseExtensionTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = TestDatabaseExtension.migrated("extension", Servers.PROBE_MIGRATIONS);

    @RegisterExtension
    static final TestDatabaseExtension EMPTY = TestDatabaseExtension.empty("extension_empty");

    @Test
    void everyRouteReachesTheOneMigratedDatabase() throws Exception {
        TestDatabase db = DB.database();
        assertSame(db, DB.database(), "one database per registration");
        assertTrue(db.name().startsWith("occ_extension_"), db.name());
        assertEquals(List.of("flyway_schema_history", "probe"), Servers.tables(db));

        try (Connection c = DB.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_database()")) {
            rs.next();
            assertEquals(db.name(), rs.getString(1));
        }
        try (Connection c = DB.dataSource().getConnection()) {
            assertEquals(db.name(), c.getCatalog());
        }
        AtomicInteger statements = new AtomicInteger();
        ExecuteListener counter = new ExecuteListener() {
            @Override
            public void executeStart(ExecuteContext ctx) {
                statements.incrementAndGet();
            }
        };
        assertEquals(db.name(), DB.dsl(counter).fetchValue(DSL.field("current_database()", String.class)));
        assertEquals(1, statements.get(), "the listener is configured");
        assertEquals(0, DB.dsl().fetchCount(DSL.table("probe")));
    }

    @Test
    void anEmptyDatabaseHasNoTablesAndIsAnotherDatabase() {
        assertEquals(List.of(), Servers.tables(EMPTY.database()));
        assertNotEquals(DB.database().name(), EMPTY.database().name());
        assertSame(DB.database().server(), EMPTY.database().server(), "one server per JVM");
    }

    @Test
    void isNamedAfterTheRegisteringClassAndCreatedBeforeAllTests() {
        TestDatabaseExtension unregistered = TestDatabaseExtension.migrated();
        assertEquals("test database TestDatabaseExtensionTest (not created yet)", unregistered.toString());

        TestDatabaseExtension probe = TestDatabaseExtension.migrated("extension_before_all", Servers.PROBE_MIGRATIONS);
        probe.beforeAll(null);
        assertTrue(probe.toString().startsWith("occ_extension_before_all_"), probe.toString());
    }
}
