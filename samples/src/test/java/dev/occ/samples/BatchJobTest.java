package dev.occ.samples;

import static dev.occ.samples.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.postgres.TestDatabaseExtension;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's batch job: every row re-priced exactly once, every edit kept, while the editor runs. */
class BatchJobTest {

    @RegisterExtension
    static final TestDatabaseExtension db = TestDatabaseExtension.migrated("batch_job");

    @Test
    void everyRowIsRepricedOnceAndEveryEditIsKept() throws Exception {
        DSLContext ctx = db.dsl();
        String report;
        try (com.zaxxer.hikari.HikariDataSource pool = BatchJob.pool(db.database())) {
            report = BatchJob.run(org.jooq.impl.DSL.using(pool, org.jooq.SQLDialect.POSTGRES), 20_000, 40, false);
        }
        assertTrue(report.startsWith("re-priced 20,000 rows: "), report);
        assertTrue(report.contains("editor renamed 40 rows meanwhile; renamed rows now: 40; rows not priced exactly "
                + "once: 0"), report);
        assertEquals(20_000, ctx.fetchCount(RESOURCE));
        assertEquals(BatchJob.repriced(20_000), ctx.select(BatchJob.PRICE).from(RESOURCE).where(RESOURCE.NAME.endsWith("-20000")).fetchOne(BatchJob.PRICE));
    }
}
