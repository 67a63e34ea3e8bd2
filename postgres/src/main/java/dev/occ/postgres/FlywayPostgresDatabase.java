package dev.occ.postgres;

import java.io.File;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.codegen.GeneratorException;
import org.jooq.meta.Definition;
import org.jooq.meta.TableDefinition;
import org.jooq.meta.postgres.PostgresDatabase;
import org.jooq.tools.JooqLogger;

/**
 * A jOOQ-meta database that reads the catalogue PostgreSQL itself makes of a set of Flyway
 * migrations: it creates a fresh database on the build's PostgreSQL server, migrates it with
 * Flyway, and lets jOOQ's own {@link PostgresDatabase} reverse-engineer it. {@code jsonb},
 * {@code timestamptz}, identity columns, comments, functions, triggers and indexes come out exactly
 * as PostgreSQL has them, unlike jOOQ's H2-based {@code DDLDatabase}.
 *
 * <p>The server is the one {@link Postgres#server()} finds: an existing server named by
 * {@code OCC_JDBC_URL}, a Testcontainers container when a Docker engine answers, or an embedded
 * throwaway server from the machine's PostgreSQL binaries. Nothing has to be started by hand, and
 * no {@code <jdbc>} element is configured.
 *
 * <pre>
 * &lt;database&gt;
 *   &lt;name&gt;dev.occ.postgres.FlywayPostgresDatabase&lt;/name&gt;
 *   &lt;inputSchema&gt;public&lt;/inputSchema&gt;
 *   &lt;properties&gt;
 *     &lt;property&gt;
 *       &lt;key&gt;locations&lt;/key&gt;
 *       &lt;value&gt;filesystem:src/main/resources/db/migration&lt;/value&gt;
 *     &lt;/property&gt;
 *   &lt;/properties&gt;
 * &lt;/database&gt;
 * </pre>
 *
 * <p>Properties:
 * <ul>
 * <li>{@value #LOCATIONS}: comma-separated Flyway locations, default {@value #DEFAULT_LOCATIONS}. A
 * relative {@code filesystem:} location is resolved against the project's base directory (Maven's
 * {@code ${basedir}}), so the configuration works whatever directory Maven runs in. A
 * {@code filesystem:} location that does not exist fails generation.</li>
 * <li>{@code flyway.*}: passed to Flyway unchanged, for example
 * {@code flyway.placeholders.owner}.</li>
 * </ul>
 *
 * <p>Flyway's own history table ({@value #FLYWAY_HISTORY_TABLE}) is an artefact of this database,
 * not of the user's schema, so no class is generated for it. Each generation run migrates a database
 * of its own and drops it when jOOQ closes this database, so an edited migration is always seen.
 * {@link #locations()} names the migrations without a database, for generators that skip generation
 * when nothing changed.
 */
public class FlywayPostgresDatabase extends PostgresDatabase {

    /** The property naming the Flyway locations to migrate. */
    public static final String LOCATIONS = "locations";

    /** The Flyway locations used when the {@value #LOCATIONS} property is not set. */
    public static final String DEFAULT_LOCATIONS = "filesystem:src/main/resources/db/migration";

    /** The name of Flyway's history table, which is left out of generation. */
    public static final String FLYWAY_HISTORY_TABLE = "flyway_schema_history";

    private static final String FLYWAY_PREFIX = "flyway.";
    private static final String FILESYSTEM_PREFIX = "filesystem:";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Tells this JVM's databases from those of other machines' JVMs on a shared server. */
    private static final String JVM = ProcessHandle.current().pid() + "_"
            + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    private static final JooqLogger log = JooqLogger.getLogger(FlywayPostgresDatabase.class);

    /** Set by {@link #deferMigrationOnThisThread()}, taken by the next database created on the thread. */
    private static final ThreadLocal<Boolean> DEFER_MIGRATION = new ThreadLocal<>();

    private final boolean deferred;
    private Connection ownConnection;
    private PostgresServer server;
    private String databaseName;

    /**
     * Creates the database; jOOQ's {@code GenerationTool} does this from the configured
     * {@code <database><name>}.
     */
    public FlywayPostgresDatabase() {
        deferred = DEFER_MIGRATION.get() != null;
        DEFER_MIGRATION.remove();
        addFilter(FlywayPostgresDatabase::isFlywayHistory);
    }

    private static boolean isFlywayHistory(Definition definition) {
        return definition instanceof TableDefinition && FLYWAY_HISTORY_TABLE.equals(definition.getName());
    }

    /**
     * Lets the next {@code FlywayPostgresDatabase} created on this thread wait with creating and
     * migrating its database until a statement needs it, or until {@link #migrate()}. jOOQ's
     * {@code GenerationTool} creates the generator first, then the database, and asks the database
     * for a connection before the generator runs: a generator that can tell without a database that
     * its classes are up to date (occ's {@code OccGenerator}) calls this from its constructor, so
     * that PostgreSQL is then neither started nor contacted, and calls {@link #migrate()} when it
     * does generate. Without it, the database is migrated when jOOQ first asks for a connection, so
     * that any generator sees a migration failure as the first and only error.
     */
    public static void deferMigrationOnThisThread() {
        DEFER_MIGRATION.set(Boolean.TRUE);
    }

    /**
     * Creates and migrates the database now, unless that is done already.
     *
     * @throws GeneratorException when a location does not exist, or when the database cannot be
     *     created or migrated
     */
    public void migrate() {
        if (ownConnection == null) {
            connect();
        }
    }

    /**
     * Gives jOOQ-meta its {@code DSLContext}, creating and migrating the database on first use (or,
     * after {@link #deferMigrationOnThisThread()}, at the first statement).
     *
     * @return a context on the migrated database
     * @throws GeneratorException when a {@code <jdbc>} connection was configured, when a location
     *     does not exist, or when the database cannot be created or migrated
     */
    @Override
    protected DSLContext create0() {
        Connection given = getConnection();
        if (given == null) {
            if (deferred) {
                // [occ#11] an up-to-date generation runs no statement, and needs no PostgreSQL
                return DSL.using(new ConnectingProvider(), SQLDialect.POSTGRES);
            }
            connect(); // sets the connection, so jOOQ-meta's own getConnection() calls see it too
        } else if (given != ownConnection) {
            throw new GeneratorException("occ: " + FlywayPostgresDatabase.class.getName()
                    + " creates and migrates its own PostgreSQL database; remove the <jdbc> element"
                    + " from the code generator configuration (set OCC_JDBC_URL to use an existing server)");
        }
        return super.create0();
    }

    /** Creates and migrates the database when jOOQ-meta first acquires a connection. */
    private final class ConnectingProvider implements ConnectionProvider {

        @Override
        public Connection acquire() {
            migrate();
            return ownConnection;
        }

        @Override
        public void release(Connection connection) {
            // the connection stays open until close()
        }
    }

    private void connect() {
        List<String> locations = locations();
        registerDriver();
        server = Postgres.server(log::info);
        databaseName = "occ_codegen_" + JVM + "_" + COUNTER.incrementAndGet();
        execute("create database " + databaseName);
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            Flyway.configure(loader)
                    .loggers(loggers(loader))
                    .configuration(flywayProperties())
                    .dataSource(server.jdbcUrl(databaseName), server.user(), server.password())
                    .locations(locations.toArray(String[]::new))
                    .load()
                    .migrate();
            log.info("occ: migrated", databaseName + " on " + server + " from " + locations);
            ownConnection = Postgres.connect(server, databaseName);
        } catch (RuntimeException | SQLException e) {
            dropDatabase();
            throw new GeneratorException("occ: could not migrate a PostgreSQL database from " + locations
                    + " for code generation: " + e.getMessage(), e);
        }
        setConnection(ownConnection); // calls create0() again, which now finds the connection
    }

    /**
     * Flyway's loggers: SLF4J where it is present (always in a Maven build, whose log level then
     * applies to Flyway's lines too, so that {@code mvn -q} silences them), else Flyway's own choice
     * (which falls back to java.util.logging). A {@code flyway.loggers} property overrides it.
     */
    private static String[] loggers(ClassLoader loader) {
        try {
            Class.forName("org.slf4j.LoggerFactory", false, loader);
            return new String[] {"slf4j"};
        } catch (ClassNotFoundException | LinkageError e) {
            return new String[] {"auto"};
        }
    }

    /**
     * Registers this class loader's PostgreSQL driver with {@link java.sql.DriverManager}, which the
     * finder connects through. DriverManager discovers drivers once per JVM, so in a Maven build
     * where two modules run jooq-codegen-maven with different plugin dependencies (two plugin class
     * realms), the second realm's driver would otherwise be unknown ("No suitable driver").
     */
    private static void registerDriver() {
        try {
            if (!org.postgresql.Driver.isRegistered()) {
                org.postgresql.Driver.register();
            }
        } catch (SQLException e) {
            throw new GeneratorException("occ: could not register the PostgreSQL JDBC driver: " + e.getMessage(), e);
        }
    }

    /**
     * The configured Flyway locations, with relative {@code filesystem:} locations resolved against
     * the base directory; read from the configuration alone, without a database (a generator can
     * digest the files they hold to tell whether anything changed).
     *
     * @return the locations, such as {@code filesystem:/home/me/app/src/main/resources/db/migration}
     *     or {@code classpath:db/migration}
     * @throws GeneratorException when a {@code filesystem:} location does not exist, or none is named
     */
    public List<String> locations() {
        String configured = getProperties().getProperty(LOCATIONS, DEFAULT_LOCATIONS);
        List<String> result = new ArrayList<>();
        for (String location : configured.split(",")) {
            String trimmed = location.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith(FILESYSTEM_PREFIX)) {
                File dir = new File(trimmed.substring(FILESYSTEM_PREFIX.length()));
                if (!dir.isAbsolute() && getBasedir() != null) {
                    dir = new File(getBasedir(), dir.getPath());
                }
                if (!dir.isDirectory()) {
                    throw new GeneratorException("occ: Flyway location " + trimmed + " does not exist (looked for "
                            + dir.getAbsolutePath() + "); set the " + LOCATIONS + " property of "
                            + FlywayPostgresDatabase.class.getName() + " to the directory holding the migrations,"
                            + " e.g. filesystem:src/main/resources/db/migration");
                }
                trimmed = FILESYSTEM_PREFIX + dir.toPath().toAbsolutePath().normalize();
            }
            result.add(trimmed);
        }
        if (result.isEmpty()) {
            throw new GeneratorException("occ: the " + LOCATIONS + " property of "
                    + FlywayPostgresDatabase.class.getName() + " is empty; name at least one Flyway location,"
                    + " e.g. " + DEFAULT_LOCATIONS);
        }
        return result;
    }

    private Map<String, String> flywayProperties() {
        Map<String, String> result = new HashMap<>();
        for (String key : getProperties().stringPropertyNames()) {
            if (key.startsWith(FLYWAY_PREFIX)) {
                result.put(key, getProperties().getProperty(key));
            }
        }
        return result;
    }

    /**
     * The name of the database this run migrated, or {@code null} before the first use.
     *
     * @return the database name
     */
    String databaseName() {
        return databaseName;
    }

    /**
     * Closes the connection and drops the database this run migrated. jOOQ's
     * {@code GenerationTool} calls it when generation ends, also after a failure.
     */
    @Override
    public void close() {
        try {
            if (ownConnection != null) {
                ownConnection.close();
            }
        } catch (SQLException e) {
            log.warn("occ: could not close the connection to " + databaseName, e.getMessage());
        } finally {
            dropDatabase();
            super.close();
        }
    }

    private void dropDatabase() {
        if (server != null && databaseName != null) {
            try {
                execute("drop database if exists " + databaseName + " with (force)");
            } catch (GeneratorException e) {
                log.warn("occ: could not drop " + databaseName, e.getMessage());
            }
            databaseName = null;
        }
    }

    private void execute(String sql) {
        try (Connection c = Postgres.connect(server, "postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new GeneratorException("occ: could not run \"" + sql + "\" on " + server + ": " + e.getMessage(), e);
        }
    }
}
