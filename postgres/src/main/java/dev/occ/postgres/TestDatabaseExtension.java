package dev.occ.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The way occ's tests get a database: a JUnit 5 extension that gives each test class a fresh
 * {@link TestDatabase}, a copy of the migrated template on the JVM's {@linkplain Postgres#server()
 * server}.
 *
 * <pre>
 * class ResourceTest {
 *     &#64;RegisterExtension
 *     static final TestDatabaseExtension DB = TestDatabaseExtension.migrated();
 *
 *     &#64;Test
 *     void works() {
 *         DSLContext ctx = DB.dsl();
 *         ...
 *     }
 * }
 * </pre>
 *
 * <p>The database is created once, before the class's first test (or earlier, when the class asks
 * for it in a static initializer), and it is never dropped early: tests may look at it until the
 * JVM exits, when {@link TestDatabase} drops what it created on a server occ does not own. When no
 * PostgreSQL can be found the class's tests fail with the message that names the ways to provide
 * one; they are never skipped. Register the extension in a {@code static} field; a class that needs
 * two databases registers two.
 *
 * <p>jOOQ and JUnit Jupiter are optional dependencies of occ-postgres: the tests that use this class
 * have both.
 */
public final class TestDatabaseExtension implements BeforeAllCallback {

    private final String label;
    private final List<String> locations;
    private volatile TestDatabase database;

    private TestDatabaseExtension(String label, List<String> locations) {
        this.label = label;
        this.locations = locations;
    }

    /**
     * A database migrated from occ's own schema ({@value TestDatabase#DEFAULT_LOCATION}, in
     * occ-schema), named after the class that registers the extension.
     *
     * @return the extension
     */
    public static TestDatabaseExtension migrated() {
        // getCallerClass() names the class that called this method
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        return new TestDatabaseExtension(caller.getSimpleName(), List.of(TestDatabase.DEFAULT_LOCATION));
    }

    /**
     * A database migrated from occ's own schema ({@value TestDatabase#DEFAULT_LOCATION}), named by
     * the given label: for a class that needs more than one database.
     *
     * @param label a readable part of the database name
     * @return the extension
     */
    public static TestDatabaseExtension migrated(String label) {
        return migrated(label, TestDatabase.DEFAULT_LOCATION);
    }

    /**
     * A database migrated from the given Flyway locations.
     *
     * @param label a readable part of the database name, such as the test class's name
     * @param location a Flyway location such as {@code classpath:db/migration} or
     *     {@code filesystem:src/test/resources/fixtures/x}
     * @param more further locations
     * @return the extension
     */
    public static TestDatabaseExtension migrated(String label, String location, String... more) {
        Objects.requireNonNull(label, "label cannot be null");
        Objects.requireNonNull(location, "location cannot be null");
        List<String> locations = new ArrayList<>();
        locations.add(location);
        locations.addAll(List.of(more));
        return new TestDatabaseExtension(label, List.copyOf(locations));
    }

    /**
     * An empty database (no migrations applied), for tests that migrate it themselves.
     *
     * @param label a readable part of the database name
     * @return the extension
     */
    public static TestDatabaseExtension empty(String label) {
        Objects.requireNonNull(label, "label cannot be null");
        return new TestDatabaseExtension(label, List.of());
    }

    /**
     * Creates the database before the class's first test, so that a missing PostgreSQL fails the
     * class with the finder's message.
     *
     * @param context the class's context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        database();
    }

    /**
     * The test class's database, created on the first call.
     *
     * @return the database
     * @throws IllegalStateException when no PostgreSQL server is available, saying how to provide one
     */
    public TestDatabase database() {
        TestDatabase db = database;
        if (db == null) {
            synchronized (this) {
                db = database;
                if (db == null) {
                    db = TestDatabase.create(label, locations.toArray(String[]::new));
                    database = db;
                }
            }
        }
        return db;
    }

    /** @return a data source without a pool on the test class's database */
    public DataSource dataSource() {
        return database().dataSource();
    }

    /**
     * Opens a connection to the test class's database.
     *
     * @return a new connection, which the caller closes
     * @throws SQLException when the server refuses it
     */
    public Connection connect() throws SQLException {
        return database().connect();
    }

    /**
     * A jOOQ context for PostgreSQL on the test class's {@linkplain #dataSource() data source}.
     *
     * @param listeners execute listeners to configure, such as a statement counter
     * @return a new context
     */
    public DSLContext dsl(ExecuteListener... listeners) {
        return DSL.using(new DefaultConfiguration()
                .set(dataSource())
                .set(SQLDialect.POSTGRES)
                .set(listeners));
    }

    @Override
    public String toString() {
        TestDatabase db = database;
        return db == null ? "test database " + label + " (not created yet)" : db.toString();
    }
}
