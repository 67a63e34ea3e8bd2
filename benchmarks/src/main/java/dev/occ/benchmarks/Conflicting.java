package dev.occ.benchmarks;

import static dev.occ.Occ.optimistic;
import static dev.occ.benchmarks.db.Tables.RESOURCE;

import dev.occ.ConflictException;
import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Scenario 2, the failure path: updates whose expected version is one behind the row's, so that
 * every one is a conflict. The rows never change, so every attempt costs the same.
 */
final class Conflicting {

    private Conflicting() {
    }

    /** occ: the update writes nothing, occ reads the row once more and throws a diagnosed {@link ConflictException}. */
    static final class OccConflict extends Contender {
        private final LockingDSLContext db;
        private final int[] versions;
        /** Keeps the message alive, so that building it is not optimised away. */
        long messageChars;

        OccConflict(Connection connection, int[] ids) throws SQLException {
            super(connection, ids);
            this.db = Occ.using(DSL.using(connection, SQLDialect.POSTGRES));
            this.versions = RawJdbc.versions(connection, ids);
        }

        @Override
        String name() {
            return "occ DSL, conflict (diagnosed)";
        }

        @Override
        void write(int row, int value) {
            try {
                db.update(RESOURCE)
                        .set(RESOURCE.NAME, NAMES[value])
                        .set(RESOURCE.DATA, JSONB.valueOf(JSONS[value]))
                        .where(RESOURCE.ID.eq(ids[row]))
                        .lockingPolicy(optimistic(RESOURCE.VERSION, versions[row] - 1))
                        .execute();
            } catch (ConflictException expected) {
                if (expected.kind() != ConflictException.Kind.VERSION_CHANGED) {
                    throw new IllegalStateException("expected a version conflict, got " + expected.kind(), expected);
                }
                messageChars += expected.getMessage().length();
                return;
            }
            throw new IllegalStateException("a stale version was accepted");
        }
    }

    /** Plain jOOQ: the update count is 0, and the caller knows no more than that. */
    static final class JooqConflict extends Contender {
        private final DSLContext ctx;
        private final int[] versions;

        JooqConflict(Connection connection, int[] ids) throws SQLException {
            super(connection, ids);
            this.ctx = DSL.using(connection, SQLDialect.POSTGRES);
            this.versions = RawJdbc.versions(connection, ids);
        }

        @Override
        String name() {
            return "jOOQ DSL, conflict (count 0, no diagnosis)";
        }

        @Override
        void write(int row, int value) {
            if (JooqDsl.execute(ctx, ids[row], value, versions[row] - 1) != 0) {
                throw new IllegalStateException("a stale version was accepted");
            }
        }
    }

    /** Raw JDBC: the update count is 0. */
    static final class RawConflict extends Contender {
        private final PreparedStatement update;
        private final int[] versions;

        RawConflict(Connection connection, int[] ids) throws SQLException {
            super(connection, ids);
            this.update = connection.prepareStatement(RawJdbc.SQL);
            this.versions = RawJdbc.versions(connection, ids);
        }

        @Override
        String name() {
            return "raw JDBC, conflict (count 0)";
        }

        @Override
        void write(int row, int value) throws SQLException {
            if (RawJdbc.execute(update, ids[row], value, versions[row] - 1) != 0) {
                throw new IllegalStateException("a stale version was accepted");
            }
        }

        @Override
        public void close() throws SQLException {
            update.close();
            super.close();
        }
    }
}
