package dev.occ.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.postgres.TestDatabase;
import dev.occ.postgres.TestDatabaseExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MigrationsTest {

    @RegisterExtension
    static final TestDatabaseExtension EMPTY = TestDatabaseExtension.empty("migrations");
    @RegisterExtension
    static final TestDatabaseExtension MODEL = TestDatabaseExtension.migrated("resource_model");
    @RegisterExtension
    static final TestDatabaseExtension TRIGGER = TestDatabaseExtension.migrated("resource_trigger");

    @Test
    void migratesAnEmptyDatabaseValidatesAndThenHasNothingLeftToApply() throws SQLException {
        TestDatabase db = EMPTY.database();
        Flyway flyway = Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").load();

        MigrateResult first = flyway.migrate();
        assertEquals(4, first.migrationsExecuted, "every migration runs once on an empty database");
        flyway.validate();
        MigrateResult second = flyway.migrate();
        assertEquals(0, second.migrationsExecuted, "a second migrate applies nothing");

        assertEquals(List.of("account", "audit_event", "document", "flyway_schema_history", "player", "resource", "team"),
                strings(db, "select table_name from information_schema.tables where table_schema = 'public' order by 1"));
    }

    @Test
    void resourceMatchesTheGuidesModelAndStartsAtVersionOne() throws SQLException {
        TestDatabase db = MODEL.database();
        assertEquals(List.of(
                        "id integer NO identity",
                        "name text NO",
                        "version integer NO 1",
                        "data jsonb NO",
                        "updated_at timestamp with time zone NO now()",
                        "created_at timestamp with time zone NO now()"),
                strings(db, "select column_name || ' ' || data_type || ' ' || is_nullable"
                        + " || coalesce(' ' || column_default, case when is_identity = 'YES' then ' identity' else '' end)"
                        + " from information_schema.columns where table_name = 'resource' order by ordinal_position"));
        assertEquals(List.of("1"), strings(db,
                "insert into resource (name, data) values ('a', '{}') returning version"));
    }

    @Test
    void triggerMovesUpdatedAtAndTheCheckRejectsNegativePoints() throws SQLException {
        TestDatabase db = TRIGGER.database();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("insert into resource (name, data, updated_at) values ('a', '{}', '2000-01-01T00:00:00Z')");
            s.execute("update resource set name = 'b'");
            try (ResultSet rs = s.executeQuery("select updated_at > '2000-01-01T00:00:00Z' from resource")) {
                rs.next();
                assertTrue(rs.getBoolean(1), "resource_touch sets updated_at on update");
            }
            s.execute("insert into team (name) values ('red')");
            SQLException negative = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () ->
                    s.execute("insert into player (team_id, name, num_points) values (1, 'p', -1)"));
            assertEquals("23514", negative.getSQLState(), "check_violation");
        }
    }

    private static List<String> strings(TestDatabase db, String sql) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }
}
