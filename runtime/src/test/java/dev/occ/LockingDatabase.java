package dev.occ;

import dev.occ.postgres.TestDatabaseExtension;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of the locking DSL's tests: a migrated database of the test class's own, a jOOQ
 * context on it whose statements are counted, and a {@link LockingDSLContext} over that context. The
 * count starts from zero before each test.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final LockingDatabase DATABASE = LockingDatabase.migrated();
 * static final DSLContext ctx = DATABASE.ctx();
 * static final LockingDSLContext db = DATABASE.db();
 * </pre>
 */
final class LockingDatabase implements BeforeAllCallback, BeforeEachCallback {

    private final TestDatabaseExtension database;
    private final Databases.StatementCounter statements = new Databases.StatementCounter();
    private final DSLContext ctx;
    private final LockingDSLContext db;

    private LockingDatabase(String label) {
        database = TestDatabaseExtension.migrated(label);
        // connections come from the database when a statement runs, so that the fields can be static finals
        ctx = DSL.using(new DefaultConfiguration().set(new ConnectionProvider() {
            @Override
            public Connection acquire() {
                try {
                    return database.connect();
                } catch (SQLException e) {
                    throw new DataAccessException("cannot connect to " + database + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void release(Connection connection) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    throw new DataAccessException("cannot close a connection to " + database, e);
                }
            }
        }).set(SQLDialect.POSTGRES).set(statements));
        db = Occ.using(ctx);
    }

    /** @return the fixture on a database migrated from occ-schema, named after the calling test class */
    static LockingDatabase migrated() {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        return new LockingDatabase(caller.getSimpleName());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        statements.reset();
    }

    /** @return the context, whose statements {@link #statements()} counts */
    DSLContext ctx() {
        return ctx;
    }

    /** @return the locking context over {@link #ctx()} */
    LockingDSLContext db() {
        return db;
    }

    /** @return the counter of the statements {@link #ctx()} executed */
    Databases.StatementCounter statements() {
        return statements;
    }

    /** @return a new connection of its own to the database */
    Connection connect() throws SQLException {
        return database.connect();
    }

    /** @return the database's data source */
    DataSource dataSource() {
        return database.dataSource();
    }
}
