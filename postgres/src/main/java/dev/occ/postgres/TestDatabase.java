package dev.occ.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
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

    private static final Map<TemplateKey, String> TEMPLATES = new HashMap<>();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Tells this JVM's names from those of JVMs on other machines with the same pid on a shared server. */
    private static final String JVM = ProcessHandle.current().pid() + "_"
            + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    /** Databases created on servers occ does not own, newest first: copies before their templates. */
    private static final List<TestDatabase> TO_DROP = new CopyOnWriteArrayList<>();
    private static boolean dropHookInstalled;

    private final PostgresServer server;
    private final String name;

    private TestDatabase(PostgresServer server, String name) {
        this.server = server;
        this.name = name;
    }

    /**
     * A fresh database on the JVM's {@linkplain Postgres#server() server}, migrated from
     * {@value #DEFAULT_LOCATION}.
     *
     * @param label a readable part of the database name, such as the test class's name
     * @return the database
     */
    public static TestDatabase create(String label) {
        return create(label, DEFAULT_LOCATION);
    }

    /**
     * A fresh database on the JVM's {@linkplain Postgres#server() server}, migrated from the given
     * Flyway locations.
     *
     * @param label a readable part of the database name, such as the test class's name
     * @param locations Flyway locations such as {@code classpath:db/migration} or
     *     {@code filesystem:src/main/resources/db/migration}; none gives an empty database
     * @return the database
     */
    public static TestDatabase create(String label, String... locations) {
        Objects.requireNonNull(label, "label cannot be null");
        return create(Postgres.server(), label, locations);
    }

    /**
     * A fresh database on the given server, migrated from the given Flyway locations: for a server
     * other than the JVM's own, such as one started by {@link PostgresSource#embedded(java.util.Map)}
     * with durable settings. Templates are kept per server.
     *
     * @param server the server to create the database on; its user needs the CREATEDB privilege
     * @param label a readable part of the database name, such as the test class's name
     * @param locations Flyway locations; none gives an empty database
     * @return the database
     */
    public static TestDatabase create(PostgresServer server, String label, String... locations) {
        Objects.requireNonNull(server, "server cannot be null");
        Objects.requireNonNull(label, "label cannot be null");
        String template = template(server, List.of(locations));
        return createDatabase(server, uniqueName(label), " template " + template);
    }

    private static synchronized String template(PostgresServer server, List<String> locations) {
        TemplateKey key = new TemplateKey(server, locations);
        String existing = TEMPLATES.get(key);
        if (existing != null) {
            return existing;
        }
        TestDatabase template = createDatabase(server, uniqueName("template"), "");
        if (!locations.isEmpty()) {
            Flyway.configure()
                    .dataSource(template.jdbcUrl(), server.user(), server.password())
                    .locations(locations.toArray(String[]::new))
                    .load()
                    .migrate();
        }
        TEMPLATES.put(key, template.name());
        return template.name();
    }

    /** Templates are per server (compared by identity) and per list of migration locations. */
    private record TemplateKey(PostgresServer server, List<String> locations) {
    }

    private static String uniqueName(String label) {
        String clean = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
        String suffix = "_" + JVM + "_" + COUNTER.incrementAndGet();
        String prefix = "occ_" + clean;
        return prefix.substring(0, Math.min(prefix.length(), 63 - suffix.length())) + suffix;
    }

    private static TestDatabase createDatabase(PostgresServer server, String name, String options) {
        String sql = "create database " + name + options;
        try (Connection c = Postgres.connect(server, "postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run \"" + sql + "\" on " + server.origin() + ": "
                    + e.getMessage(), e);
        }
        TestDatabase database = new TestDatabase(server, name);
        if (!server.isOwned()) {
            dropAtExit(database);
        }
        return database;
    }

    private static synchronized void dropAtExit(TestDatabase database) {
        TO_DROP.add(0, database);
        if (!dropHookInstalled) {
            dropHookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropAll, "occ-drop-test-databases"));
        }
    }

    /**
     * Drops, at exit, what this JVM created on servers occ does not own: one connection per server,
     * and a server that does not answer is given up at once rather than once per database.
     */
    private static void dropAll() {
        Map<PostgresServer, List<String>> byServer = new LinkedHashMap<>();
        for (TestDatabase db : TO_DROP) {
            byServer.computeIfAbsent(db.server, s -> new ArrayList<>()).add(db.name);
        }
        byServer.forEach((server, names) -> {
            try (Connection c = Postgres.connect(server, "postgres"); Statement s = c.createStatement()) {
                s.setQueryTimeout(30);
                for (String name : names) {
                    try {
                        s.execute("drop database if exists " + name + " with (force)");
                    } catch (SQLException e) {
                        // best effort at exit: the next one may still go
                    }
                }
            } catch (SQLException e) {
                // the server is gone or refuses: nothing to drop there
            }
        });
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
