package dev.occ.benchmarks;

import static dev.occ.Occ.optimistic;
import static dev.occ.benchmarks.db.Tables.ACCOUNT;

import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Scenario 1b (a), the realistic update: on {@code account} (V4), a bind value, a column set to an
 * expression of itself and a bind value, and the time of the change set by the statement, with a
 * counter version: {@code SET owner = ?, balance = balance + ?, updated_at = current_timestamp,
 * version = version + 1 WHERE id = ? AND version = ?}. Every contender credits {@value #CREDIT} per
 * update, so that each writes the same.
 */
final class Realistic {

    /** What every update adds to the balance, bound as a value. */
    static final int CREDIT = 2;

    private Realistic() {
    }

    /** Raw JDBC, the partner: one reused {@link PreparedStatement}, checking the update count. */
    static final class RawRealistic extends Contender {

        static final String SQL = "UPDATE account SET owner = ?, balance = balance + ?,"
                + " updated_at = current_timestamp, version = version + 1 WHERE id = ? AND version = ?";

        private final PreparedStatement update;
        private final int[] versions;

        RawRealistic(Connection connection, int[] ids) throws SQLException {
            super(connection, ids);
            this.update = connection.prepareStatement(SQL);
            this.versions = RawJdbc.versions(connection, "account", ids);
        }

        @Override
        String name() {
            return "raw JDBC, realistic update";
        }

        @Override
        void write(int row, int value) throws SQLException {
            expectOne(execute(update, ids[row], value, versions[row]), name());
            versions[row]++;
        }

        /** Binds and runs {@link #SQL} for one row: the update count. */
        static int execute(PreparedStatement update, int id, int value, int expectedVersion) throws SQLException {
            update.setString(1, NAMES[value]);
            update.setInt(2, CREDIT);
            update.setInt(3, id);
            update.setInt(4, expectedVersion);
            return update.executeUpdate();
        }

        @Override
        public void close() throws SQLException {
            update.close();
            super.close();
        }
    }

    /** Plain jOOQ, the anchor: the same SET clause, and the version predicate and increment by hand. */
    static final class JooqRealistic extends Contender {

        private final DSLContext ctx;
        private final int[] versions;

        JooqRealistic(Connection connection, int[] ids) throws SQLException {
            super(connection, ids);
            this.ctx = DSL.using(connection, SQLDialect.POSTGRES);
            this.versions = RawJdbc.versions(connection, "account", ids);
        }

        @Override
        String name() {
            return "jOOQ DSL, realistic update";
        }

        @Override
        void write(int row, int value) {
            int updated = ctx.update(ACCOUNT)
                    .set(ACCOUNT.OWNER, NAMES[value])
                    .set(ACCOUNT.BALANCE, ACCOUNT.BALANCE.plus(CREDIT))
                    .set(ACCOUNT.UPDATED_AT, DSL.currentOffsetDateTime())
                    .set(ACCOUNT.VERSION, ACCOUNT.VERSION.plus(1))
                    .where(ACCOUNT.ID.eq(ids[row]))
                    .and(ACCOUNT.VERSION.eq(versions[row]))
                    .execute();
            expectOne(updated, name());
            versions[row]++;
        }
    }

    /**
     * occ: {@code update(ACCOUNT).set(..).where(ACCOUNT.ID.eq(id)).lockingPolicy(optimistic(ACCOUNT.VERSION,
     * v)).execute()}; {@link #throughJooq} with its direct execution off, as {@link OccDsl#throughJooq}.
     */
    static final class OccRealistic extends Contender {

        private final LockingDSLContext db;
        private final int[] versions;
        private final boolean throughJooq;

        OccRealistic(Connection connection, int[] ids) throws SQLException {
            this(connection, ids, false);
        }

        private OccRealistic(Connection connection, int[] ids, boolean throughJooq) throws SQLException {
            super(connection, ids);
            DSLContext ctx = DSL.using(connection, SQLDialect.POSTGRES);
            if (throughJooq) {
                ctx.configuration().data(Occ.DIRECT_EXECUTION, false);
            }
            this.db = Occ.using(ctx);
            this.versions = RawJdbc.versions(connection, "account", ids);
            this.throughJooq = throughJooq;
        }

        /** occ with its direct execution turned off: rendered and executed by jOOQ on every update. */
        static OccRealistic throughJooq(Connection connection, int[] ids) throws SQLException {
            return new OccRealistic(connection, ids, true);
        }

        @Override
        String name() {
            return throughJooq ? "occ DSL, realistic update, direct execution off" : "occ DSL, realistic update";
        }

        @Override
        void write(int row, int value) {
            expectOne(execute(db, ids[row], value, versions[row]), name());
            versions[row]++;
        }

        /** occ's realistic locked update of one account: the update count. */
        static int execute(LockingDSLContext db, int id, int value, int expectedVersion) {
            return db.update(ACCOUNT)
                    .set(ACCOUNT.OWNER, NAMES[value])
                    .set(ACCOUNT.BALANCE, ACCOUNT.BALANCE.plus(CREDIT))
                    .set(ACCOUNT.UPDATED_AT, DSL.currentOffsetDateTime())
                    .where(ACCOUNT.ID.eq(id))
                    .lockingPolicy(optimistic(ACCOUNT.VERSION, expectedVersion))
                    .execute();
        }
    }
}
