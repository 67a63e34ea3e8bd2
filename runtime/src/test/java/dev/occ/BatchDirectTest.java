package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.occ.test.db.tables.records.ResourceRecord;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#12] A batch's statements run on the JDBC connection itself where the configuration allows
 * it: the same rows written, the same outcomes, as through jOOQ's pipeline.
 */
class BatchDirectTest {

    @RegisterExtension
    static final LockingDatabase DATABASE = LockingDatabase.migrated();
    static final Databases.StatementCounter STATEMENTS = DATABASE.statements();

    /** The same scenario: 12 resources, one stale, one missing, one already applied (jsonb written differently). */
    private static List<String> scenario(boolean direct, boolean delete) {
        DSLContext ctx = DATABASE.ctx();
        ctx.deleteFrom(RESOURCE).execute();
        for (int i = 0; i < 12; i++) {
            ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values("r" + i, JSONB.valueOf("{\"n\": " + i + "}"))
                    .execute();
        }
        List<ResourceRecord> rows = new ArrayList<>(ctx.selectFrom(RESOURCE).orderBy(RESOURCE.ID).fetch());
        rows.forEach(r -> r.setData(JSONB.valueOf("{\"n\": " + r.getName().substring(1) + ", \"done\": true}")));
        ctx.update(RESOURCE).set(RESOURCE.VERSION, 5).where(RESOURCE.ID.eq(rows.get(3).getId())).execute();
        ctx.deleteFrom(RESOURCE).where(RESOURCE.ID.eq(rows.get(6).getId())).execute();
        ctx.update(RESOURCE).set(RESOURCE.VERSION, 2).set(RESOURCE.DATA, JSONB.valueOf("{\"done\":true,  \"n\":9}"))
                .where(RESOURCE.ID.eq(rows.get(9).getId())).execute();
        DSLContext on = DSL.using(ctx.configuration().derive());
        on.configuration().data(Occ.DIRECT_EXECUTION, direct);
        STATEMENTS.reset();
        LockingDSLContext db = Occ.using(on);
        List<String> outcomes = new ArrayList<>();
        BatchReport<ResourceRecord> report = (delete
                ? db.batchDelete(RESOURCE).lockingPolicy(optimistic(RESOURCE.VERSION))
                : db.batchUpdate(RESOURCE).set(RESOURCE.NAME, RESOURCE.DATA).lockingPolicy(optimistic(RESOURCE.VERSION)))
                .rows(rows).chunkSize(5)
                .onRow(r -> outcomes.add(r.position() + " " + r.outcome() + " " + r.expectedVersion() + " -> "
                        + r.actualVersion()))
                .execute();
        outcomes.add("statements " + report.statements() + ", seen by jOOQ's listeners " + STATEMENTS.reset());
        outcomes.add("stored " + ctx.select(RESOURCE.VERSION, RESOURCE.DATA).from(RESOURCE).orderBy(RESOURCE.ID).fetch()
                .map(r -> r.value1() + " " + r.value2()));
        return outcomes;
    }

    @Test
    void updatesGiveTheSameOutcomesBothWays() {
        List<String> direct = scenario(true, false);
        List<String> jooq = scenario(false, false);
        assertEquals("statements 5, seen by jOOQ's listeners 0", direct.get(12));
        assertEquals("statements 5, seen by jOOQ's listeners 5", jooq.get(12));
        direct.remove(12);
        jooq.remove(12);
        assertEquals(jooq, direct);
        assertEquals("3 STALE 1 -> 5", direct.get(3));
        assertEquals("6 MISSING 1 -> null", direct.get(6));
        assertEquals("9 ALREADY_APPLIED 1 -> 2", direct.get(9), "jsonb compared as PostgreSQL compares it");
        assertEquals("0 UPDATED 1 -> 2", direct.get(0));
    }

    @Test
    void deletesGiveTheSameOutcomesBothWays() {
        List<String> direct = scenario(true, true);
        List<String> jooq = scenario(false, true);
        assertEquals("statements 5, seen by jOOQ's listeners 0", direct.get(12));
        assertEquals("statements 5, seen by jOOQ's listeners 5", jooq.get(12));
        direct.remove(12);
        jooq.remove(12);
        assertEquals(jooq, direct);
        assertEquals("0 DELETED 1 -> null", direct.get(0));
        assertEquals("3 STALE 1 -> 5", direct.get(3));
        assertEquals("9 STALE 1 -> 2", direct.get(9), "a delete has nothing to be already applied by, but a missing row");
    }
}
