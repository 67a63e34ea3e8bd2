package dev.occ.benchmarks;

import static dev.occ.Occ.optimistic;
import static dev.occ.benchmarks.db.Tables.RESOURCE;

import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import dev.occ.benchmarks.db.tables.records.ResourceRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Scenario 1b (b), the new version returned: scenario 1's update of {@code resource} with
 * {@code RETURNING version}. Each contender keeps the version the database returned as the one it
 * expects next time, instead of counting it up itself, as a client handing out ETags does.
 */
final class Returning {

    private Returning() {
    }

    /**
     * Raw JDBC, the partner: one reused {@link PreparedStatement} of {@code UPDATE .. RETURNING
     * version}, run with {@code executeQuery}, the version read back.
     */
    static final class RawReturning extends Contender {

        static final String SQL = RawJdbc.SQL + " RETURNING version";

        private final PreparedStatement update;
        private final int[] versions;

        RawReturning(Connection connection, int[] ids) throws SQLException {
            super(connection, ids);
            this.update = connection.prepareStatement(SQL);
            this.versions = RawJdbc.versions(connection, ids);
        }

        @Override
        String name() {
            return "raw JDBC, UPDATE .. RETURNING version";
        }

        @Override
        void write(int row, int value) throws SQLException {
            versions[row] = execute(update, ids[row], value, versions[row], name());
        }

        /** Binds and runs {@link #SQL} for one row: the new version; fails unless exactly one row came back. */
        static int execute(PreparedStatement update, int id, int value, int expectedVersion, String who)
                throws SQLException {
            update.setString(1, NAMES[value]);
            update.setString(2, JSONS[value]);
            update.setInt(3, id);
            update.setInt(4, expectedVersion);
            try (ResultSet rs = update.executeQuery()) {
                if (!rs.next()) {
                    expectOne(0, who);
                }
                int version = rs.getInt(1);
                if (rs.next()) {
                    expectOne(2, who);
                }
                return version;
            }
        }

        @Override
        public void close() throws SQLException {
            update.close();
            super.close();
        }
    }

    /**
     * Plain jOOQ, the anchor: the version predicate and increment by hand,
     * {@code .returning(RESOURCE.VERSION).fetchOne()}.
     */
    static final class JooqReturning extends Contender {

        private final DSLContext ctx;
        private final int[] versions;

        JooqReturning(Connection connection, int[] ids) throws SQLException {
            super(connection, ids);
            this.ctx = DSL.using(connection, SQLDialect.POSTGRES);
            this.versions = RawJdbc.versions(connection, ids);
        }

        @Override
        String name() {
            return "jOOQ DSL, returning(VERSION)";
        }

        @Override
        void write(int row, int value) {
            ResourceRecord updated = ctx.update(RESOURCE)
                    .set(RESOURCE.NAME, NAMES[value])
                    .set(RESOURCE.DATA, JSONB.valueOf(JSONS[value]))
                    .set(RESOURCE.VERSION, RESOURCE.VERSION.plus(1))
                    .where(RESOURCE.ID.eq(ids[row]))
                    .and(RESOURCE.VERSION.eq(versions[row]))
                    .returning(RESOURCE.VERSION)
                    .fetchOne();
            versions[row] = newVersion(updated, name());
        }
    }

    /**
     * occ: {@code lockingPolicy(optimistic(RESOURCE.VERSION, v)).returning(RESOURCE.VERSION).fetchOne()},
     * the new version taken from the returned record.
     */
    static final class OccReturning extends Contender {

        private final LockingDSLContext db;
        private final int[] versions;

        OccReturning(Connection connection, int[] ids) throws SQLException {
            super(connection, ids);
            this.db = Occ.using(DSL.using(connection, SQLDialect.POSTGRES));
            this.versions = RawJdbc.versions(connection, ids);
        }

        @Override
        String name() {
            return "occ DSL, returning(VERSION)";
        }

        @Override
        void write(int row, int value) {
            versions[row] = newVersion(fetch(db, ids[row], value, versions[row]), name());
        }

        /** occ's locked update of one row with {@code RETURNING version}: the returned record. */
        static ResourceRecord fetch(LockingDSLContext db, int id, int value, int expectedVersion) {
            return db.update(RESOURCE)
                    .set(RESOURCE.NAME, NAMES[value])
                    .set(RESOURCE.DATA, JSONB.valueOf(JSONS[value]))
                    .where(RESOURCE.ID.eq(id))
                    .lockingPolicy(optimistic(RESOURCE.VERSION, expectedVersion))
                    .returning(RESOURCE.VERSION)
                    .fetchOne();
        }
    }

    /** The version of the returned row; fails without one. */
    static int newVersion(ResourceRecord updated, String who) {
        if (updated == null) {
            Contender.expectOne(0, who);
        }
        Integer version = updated.getVersion();
        if (version == null) {
            throw new IllegalStateException(who + " returned no version");
        }
        return version;
    }
}
