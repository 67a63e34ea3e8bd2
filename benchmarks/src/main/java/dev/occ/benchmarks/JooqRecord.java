package dev.occ.benchmarks;

import static dev.occ.benchmarks.db.Tables.RESOURCE;

import dev.occ.benchmarks.db.tables.records.ResourceRecord;
import java.sql.Connection;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * jOOQ's {@code UpdatableRecord.store()} with {@code executeWithOptimisticLocking}: the records are
 * read once and kept, as a client holding them would. The version column is known to jOOQ (occ's
 * generator overrides {@code getRecordVersion()}), so {@code store()} sends one
 * {@code UPDATE .. WHERE id = ? AND version = ?} with the next version computed on the client,
 * and no {@code SELECT .. FOR UPDATE} first.
 */
final class JooqRecord extends Contender {

    private final ResourceRecord[] records;

    JooqRecord(Connection connection, int[] ids) {
        super(connection, ids);
        DSLContext ctx = DSL.using(connection, SQLDialect.POSTGRES,
                new Settings().withExecuteWithOptimisticLocking(true));
        this.records = new ResourceRecord[ids.length];
        for (int i = 0; i < ids.length; i++) {
            records[i] = ctx.fetchSingle(RESOURCE, RESOURCE.ID.eq(ids[i]));
        }
    }

    @Override
    String name() {
        return "jOOQ UpdatableRecord.store()";
    }

    @Override
    void write(int row, int value) {
        ResourceRecord r = records[row];
        r.setName(NAMES[value]);
        r.setData(JSONB.valueOf(JSONS[value]));
        expectOne(r.store(), name());
    }
}
