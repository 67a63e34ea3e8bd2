package dev.occ.benchmarks;

import static dev.occ.benchmarks.db.Tables.RESOURCE;

import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** What jOOQ users write today: the DSL with a hand-written {@code and(VERSION.eq(..))}. */
final class JooqDsl extends Contender {

    private final DSLContext ctx;
    private final int[] versions;

    JooqDsl(Connection connection, int[] ids) throws SQLException {
        super(connection, ids);
        this.ctx = DSL.using(connection, SQLDialect.POSTGRES);
        this.versions = RawJdbc.versions(connection, ids);
    }

    @Override
    String name() {
        return "jOOQ DSL";
    }

    @Override
    void write(int row, int value) {
        expectOne(execute(ctx, ids[row], value, versions[row]), name());
        versions[row]++;
    }

    /** The hand-written conditional update of one row: the update count. */
    static int execute(DSLContext ctx, int id, int value, int expectedVersion) {
        return ctx.update(RESOURCE)
                .set(RESOURCE.NAME, NAMES[value])
                .set(RESOURCE.DATA, JSONB.valueOf(JSONS[value]))
                .set(RESOURCE.VERSION, RESOURCE.VERSION.plus(1))
                .where(RESOURCE.ID.eq(id))
                .and(RESOURCE.VERSION.eq(expectedVersion))
                .execute();
    }
}
