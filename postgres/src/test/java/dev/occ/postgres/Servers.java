package dev.occ.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Helpers shared by the finder's tests. */
final class Servers {

    /** The Flyway location of the tests' one-table schema (table {@code probe}). */
    static final String PROBE_MIGRATIONS = "classpath:postgres/migration";

    private Servers() {
    }

    /** Starts a server from a source that must not decline. */
    static PostgresServer start(PostgresSource source) {
        List<String> reasons = new ArrayList<>();
        Optional<PostgresServer> server = source.start(reasons::add);
        assertTrue(server.isPresent(), () -> source.name() + " declined: " + reasons);
        server.get().version(string(server.get(), "postgres", "show server_version"));
        return server.get();
    }

    static String string(PostgresServer server, String database, String sql) {
        List<String> rows = strings(server, database, sql);
        assertEquals(1, rows.size(), sql);
        return rows.get(0);
    }

    static List<String> strings(PostgresServer server, String database, String sql) {
        try (Connection c = Postgres.connect(server, database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        } catch (SQLException e) {
            throw new AssertionError(sql + " on " + server + ": " + e.getMessage(), e);
        }
    }

    static List<String> tables(TestDatabase db) {
        return strings(db.server(), db.name(),
                "select table_name from information_schema.tables where table_schema = 'public' order by 1");
    }

    /** The user an embedded server must run as: never root. */
    static String expectedServerUser() throws IOException {
        return EmbeddedSource.runsAsRoot() ? EmbeddedSource.runAsPrefix().get(2) : System.getProperty("user.name");
    }

    /**
     * Asserts, from the operating system's side, that the embedded server runs as the expected user
     * and not as root: the owner of its data directory and of its postmaster process.
     *
     * @return the data directory
     */
    static Path assertRunsAsUnprivilegedUser(PostgresServer server) throws IOException {
        Path data = Path.of(string(server, "postgres", "select current_setting('data_directory')"));
        String expected = expectedServerUser();
        assertEquals(expected, Files.getOwner(data).getName(), "owner of " + data);
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle process = ProcessHandle.of(postmaster).orElseThrow(
                () -> new AssertionError("no postmaster process " + postmaster));
        String processUser = process.info().user().orElseThrow();
        assertEquals(expected, processUser, "user of the postmaster process " + postmaster);
        assertNotEquals("root", processUser, "PostgreSQL must not run as root");
        return data;
    }

    /** The directories {@code occ-pg-<pid>-*} in java.io.tmpdir for one JVM's pid. */
    static Set<Path> embeddedDirectoriesOf(long pid) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith(EmbeddedSource.DIRECTORY_PREFIX + pid + "-"))
                    .collect(Collectors.toSet());
        }
    }

    static int port(PostgresServer server) {
        return Integer.parseInt(string(server, "postgres", "select inet_server_port()"));
    }
}
