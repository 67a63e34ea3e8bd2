package dev.occ.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The URL path: an existing server named by OCC_JDBC_URL, here a second embedded server. */
class ExternalServerSourceTest {

    /** A source that fails the test when asked: the search must stop at the first server found. */
    private static final PostgresSource NEVER_ASKED = new PostgresSource() {
        @Override
        public String name() {
            return "never asked";
        }

        @Override
        public Optional<PostgresServer> start(Consumer<String> whyNot) {
            throw new AssertionError("the search went past the server named by OCC_JDBC_URL");
        }
    };

    @Test
    void theSearchPicksTheServerNamedByOccJdbcUrlAndMakesDatabasesThere() {
        PostgresServer second = Servers.start(PostgresSource.embedded());
        int port = Servers.port(second);
        assertNotEquals(Servers.port(Postgres.server()), port, "a server other than the JVM's own");
        Map<String, String> environment = Map.of(
                "OCC_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + port + "/postgres?ApplicationName=occ-url-test",
                "OCC_JDBC_USER", EmbeddedSource.SUPERUSER);

        PostgresServer found = Postgres.locate(List.of(new ExternalServerSource(environment::get), NEVER_ASKED));

        assertFalse(found.isOwned(), "occ did not start it, so occ must not delete it");
        assertTrue(found.origin().contains("OCC_JDBC_URL"), found.origin());
        assertFalse(found.origin().contains("ApplicationName"), "parameters (maybe a password) are not shown: "
                + found.origin());
        assertEquals(second.version(), found.version(), "the version is asked from the server found");
        assertEquals(EmbeddedSource.SUPERUSER, found.user());
        assertEquals("jdbc:postgresql://127.0.0.1:" + port + "/other?ApplicationName=occ-url-test",
                found.jdbcUrl("other"));

        TestDatabase db = TestDatabase.create(found, "url_path", Servers.PROBE_MIGRATIONS);
        assertEquals(db.name(), Servers.string(found, db.name(), "select current_database()"));
        assertEquals(String.valueOf(port), Servers.string(found, db.name(), "select inet_server_port()"));
        assertEquals("occ-url-test", Servers.string(found, db.name(), "show application_name"),
                "the URL's parameters are kept");
        assertEquals(List.of("flyway_schema_history", "probe"), Servers.tables(db));
        assertTrue(Servers.strings(second, "postgres", "select datname from pg_database").contains(db.name()),
                "created on the second server");
        assertFalse(Servers.strings(Postgres.server(), "postgres", "select datname from pg_database")
                .contains(db.name()), "not on the JVM's own server");

        TestDatabase another = TestDatabase.create(found, "url_path", Servers.PROBE_MIGRATIONS);
        assertNotEquals(db.name(), another.name());
        assertEquals(List.of("flyway_schema_history", "probe"), Servers.tables(another),
                "a copy of the same migrated template");
    }

    @Test
    void declinesWhenOccJdbcUrlIsUnset() {
        List<String> reasons = new ArrayList<>();
        Optional<PostgresServer> server = new ExternalServerSource(name -> null).start(reasons::add);
        assertTrue(server.isEmpty());
        assertEquals(List.of("OCC_JDBC_URL is not set"), reasons);
    }

    @Test
    void refusesAUrlThatIsNotAPostgresJdbcUrl() {
        ExternalServerSource source = new ExternalServerSource(
                Map.of("OCC_JDBC_URL", "postgresql://u:secret@localhost/db")::get);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> source.start(reason -> { }));
        assertTrue(e.getMessage().startsWith("OCC_JDBC_URL must be a jdbc:postgresql: URL"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void theUserDefaultsToTheOperatingSystemUser() {
        PostgresServer server = new ExternalServerSource(Map.of("OCC_JDBC_URL", "jdbc:postgresql://db.example/x")::get)
                .start(reason -> { }).orElseThrow();
        assertEquals(System.getProperty("user.name"), server.user());
        assertEquals(null, server.password());
    }

    @Test
    void urlsOfEveryShapeGetTheDatabaseReplaced() {
        assertEquals("jdbc:postgresql://h:5432/db", url("jdbc:postgresql://h:5432/postgres"));
        assertEquals("jdbc:postgresql://h:5432/db", url("jdbc:postgresql://h:5432"));
        assertEquals("jdbc:postgresql://h/db", url("jdbc:postgresql://h/"));
        assertEquals("jdbc:postgresql://h1:1,h2:2/db?targetServerType=primary",
                url("jdbc:postgresql://h1:1,h2:2/app?targetServerType=primary"));
        assertEquals("jdbc:postgresql://[::1]:5432/db?a=b/c", url("jdbc:postgresql://[::1]:5432/app?a=b/c"));
        assertEquals("jdbc:postgresql:db", url("jdbc:postgresql:app"));
    }

    private static String url(String given) {
        return PostgresServer.forUrl("test", given, "u", null, false).jdbcUrl("db");
    }
}
