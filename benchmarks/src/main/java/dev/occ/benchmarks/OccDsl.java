package dev.occ.benchmarks;

import static dev.occ.Occ.optimistic;
import static dev.occ.benchmarks.db.Tables.RESOURCE;

import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * occ's DSL: {@code lockingPolicy(optimistic(RESOURCE.VERSION, v))}. By default occ runs such a
 * simple update on JDBC directly (its SQL rendered once per shape); {@link #throughJooq} turns that
 * off with the configuration entry {@value #DIRECT_EXECUTION} {@code = false}, which is how occ ran
 * before: every update rendered and executed by jOOQ.
 */
final class OccDsl extends Contender {

    /** occ-runtime's configuration data key for its direct execution. */
    static final String DIRECT_EXECUTION = dev.occ.Occ.DIRECT_EXECUTION;

    private final LockingDSLContext db;
    private final int[] versions;
    private final boolean throughJooq;

    OccDsl(Connection connection, int[] ids) throws SQLException {
        this(connection, ids, false);
    }

    private OccDsl(Connection connection, int[] ids, boolean throughJooq) throws SQLException {
        super(connection, ids);
        DSLContext ctx = DSL.using(connection, SQLDialect.POSTGRES);
        if (throughJooq) {
            ctx.configuration().data(DIRECT_EXECUTION, false);
        }
        this.db = Occ.using(ctx);
        this.versions = RawJdbc.versions(connection, ids);
        this.throughJooq = throughJooq;
    }

    /** occ with its direct execution turned off: rendered and executed by jOOQ on every update. */
    static OccDsl throughJooq(Connection connection, int[] ids) throws SQLException {
        return new OccDsl(connection, ids, true);
    }

    @Override
    String name() {
        return throughJooq ? "occ DSL, direct execution off" : "occ DSL";
    }

    @Override
    void write(int row, int value) {
        expectOne(execute(db, ids[row], value, versions[row]), name());
        versions[row]++;
    }

    /** occ's locked update of one row: the update count. */
    static int execute(LockingDSLContext db, int id, int value, int expectedVersion) {
        return db.update(RESOURCE)
                .set(RESOURCE.NAME, NAMES[value])
                .set(RESOURCE.DATA, JSONB.valueOf(JSONS[value]))
                .where(RESOURCE.ID.eq(id))
                .lockingPolicy(optimistic(RESOURCE.VERSION, expectedVersion))
                .execute();
    }
}
