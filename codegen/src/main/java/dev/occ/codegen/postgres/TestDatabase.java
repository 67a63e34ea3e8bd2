package dev.occ.codegen.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh database on the JVM's {@linkplain Postgres#server() server}, migrated by Flyway. Give each
 * test class its own:
 *
 * <pre>
 * static final TestDatabase DB = TestDatabase.create("resource_test");
 * DSLContext ctx = DSL.using(DB.dataSource(), SQLDialect.POSTGRES);
 * </pre>
 *
 * <p>The first database for a set of migration locations migrates a template database; every later
 * one is a {@code CREATE DATABASE ... TEMPLATE} copy of it, which takes milliseconds. On a server
 * that occ did not start ({@code OCC_JDBC_URL}), the databases and templates it created are dropped
 * when the JVM exits.
 */
public final class TestDatabase {

    /** The Flyway location used when none is given: occ's own schema in {@code occ-schema}. */
    public static final String DEFAULT_LOCATION = "classpath:db/migration";

    private static final Map<List<String>, String> TEMPLATES = new HashMap<>();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final List<String> CREATED = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static boolean dropHookInstalled;

    private final PostgresServer server;
    private final String name;

    private TestDatabase(PostgresServer server, String name) {
        this.server = server;
        this.name = name;
    }

    /**
     * A fresh database migrated from {@value #DEFAULT_LOCATION}.
     *
     * @param label a readable part of the database name, such as the test class's name
     * @return the database
     */
    public static TestDatabase create(String label) {
        return create(label, DEFAULT_LOCATION);
    }

    /**
     * A fresh database migrated from the given Flyway locations.
     *
     * @param label a readable part of the database name, such as the test class's name
     * @param locations Flyway locations such as {@code classpath:db/migration} or
     *     {@code filesystem:src/main/resources/db/migration}; none gives an empty database
     * @return the database
     */
    public static TestDatabase create(String label, String... locations) {
        Objects.requireNonNull(label, "label cannot be null");
        PostgresServer server = Postgres.server();
        String template = template(server, List.of(locations));
        String name = uniqueName(label);
        execute(server, "create database " + name + " template " + template);
        return new TestDatabase(server, name);
    }

    private static synchronized String template(PostgresServer server, List<String> locations) {
        String existing = TEMPLATES.get(locations);
        if (existing != null) {
            return existing;
        }
        String template = uniqueName("template");
        execute(server, "create database " + template);
        if (!locations.isEmpty()) {
            Flyway.configure()
                    .dataSource(server.jdbcUrl(template), server.user(), server.password())
                    .locations(locations.toArray(String[]::new))
                    .load()
                    .migrate();
        }
        TEMPLATES.put(locations, template);
        return template;
    }

    private static String uniqueName(String label) {
        String clean = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
        String suffix = "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        String prefix = "occ_" + clean;
        return prefix.substring(0, Math.min(prefix.length(), 63 - suffix.length())) + suffix;
    }

    private static void execute(PostgresServer server, String sql) {
        try (Connection c = Postgres.connect(server, "postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run \"" + sql + "\" on " + server.origin() + ": "
                    + e.getMessage(), e);
        }
        if (!server.isOwned() && sql.startsWith("create database ")) {
            rememberForDrop(server, sql.split(" ")[2]);
        }
    }

    private static synchronized void rememberForDrop(PostgresServer server, String database) {
        CREATED.add(0, database); // newest first: copies before their templates
        if (!dropHookInstalled) {
            dropHookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (String db : CREATED) {
                    try (Connection c = Postgres.connect(server, "postgres"); Statement s = c.createStatement()) {
                        s.execute("drop database if exists " + db + " with (force)");
                    } catch (SQLException e) {
                        // best effort at exit
                    }
                }
            }, "occ-drop-test-databases"));
        }
    }

    /** @return the database name */
    public String name() {
        return name;
    }

    /** @return the server the database lives on */
    public PostgresServer server() {
        return server;
    }

    /** @return the JDBC URL of this database */
    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    /**
     * A data source without a pool: each {@code getConnection()} opens a new connection.
     *
     * @return a data source on this database
     */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl());
        dataSource.setUser(server.user());
        if (server.password() != null) {
            dataSource.setPassword(server.password());
        }
        return dataSource;
    }

    /**
     * Opens a connection to this database.
     *
     * @return a new connection, which the caller closes
     * @throws SQLException when the server refuses it
     */
    public Connection connect() throws SQLException {
        return Postgres.connect(server, name);
    }

    @Override
    public String toString() {
        return name + " on " + server;
    }
}
