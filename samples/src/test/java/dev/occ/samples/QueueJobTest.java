package dev.occ.samples;

import static dev.occ.samples.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.postgres.TestDatabaseExtension;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's queue job: two worker processes normalise every row exactly once. */
class QueueJobTest {

    @RegisterExtension
    static final TestDatabaseExtension db = TestDatabaseExtension.migrated("queue_job");

    @Test
    void twoProcessesNormaliseEveryRowOnce() throws Exception {
        DSLContext ctx = db.dsl();
        String report = QueueJob.run(ctx, db.database(), 1000, 2);
        assertTrue(report.contains("1000 rows normalised by 2 processes"), report);
        assertTrue(report.contains("left pending: 0; processed twice: 0"), report);
        assertEquals(1000, ctx.fetchCount(RESOURCE, RESOURCE.VERSION.eq(2).and(RESOURCE.NAME.startsWith("done-"))));
        assertEquals(0, ctx.fetchCount(RESOURCE, DSL.condition("jsonb_exists(data, 'Amount')")));
        assertTrue(report.contains("worker-1 normalised") && report.contains("worker-2 normalised"), report);
    }
}
