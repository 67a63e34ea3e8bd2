package dev.occ.internal.direct;

import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.occ.AdaptiveLocking;
import dev.occ.ConflictException;
import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import dev.occ.postgres.TestDatabaseExtension;
import dev.occ.test.db.tables.records.ResourceRecord;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#15] An update under an adaptive policy is an optimistic update on the direct path: one shape
 * of its own (the plan's class is part of the key), whatever the values, and its conflicts still
 * diagnosed.
 */
class DirectAdaptiveUpdateTest {

    @RegisterExtension
    static final TestDatabaseExtension DATABASE = TestDatabaseExtension.migrated();
    /** No listener: the direct path applies. */
    static DSLContext ctx;

    @BeforeAll
    static void rows() {
        ctx = DSL.using(DATABASE.dataSource(), SQLDialect.POSTGRES);
        for (int i = 0; i < 3; i++) {
            ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values("r", JSONB.valueOf("{}")).execute();
        }
    }

    @BeforeEach
    void empty() {
        DirectUpdate.clearCaches();
    }

    @Test
    void theAdaptiveUpdateRunsDirectly() {
        AdaptiveLocking<ResourceRecord> adaptive = Occ.adaptive(RESOURCE).build();
        for (int id = 1; id <= 3; id++) {
            int row = id;
            ctx.transaction(cfg -> {
                LockingDSLContext db = Occ.using(cfg);
                ResourceRecord r = db.fetchOne(RESOURCE, RESOURCE.ID.eq(row), adaptive);
                assertEquals(1, db.update(RESOURCE).set(RESOURCE.NAME, "renamed " + row).where(RESOURCE.ID.eq(row))
                        .lockingPolicy(adaptive.optimistic(RESOURCE.VERSION, r.getVersion())).execute());
            });
            assertEquals(1, DirectUpdate.cachedShapes(), () -> "one shape for every value: " + DirectUpdate.describeCache());
        }
        assertEquals("renamed 3", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(3)));
        ConflictException conflict = assertThrows(ConflictException.class, () -> ctx.transaction(cfg -> Occ.using(cfg)
                .update(RESOURCE).set(RESOURCE.NAME, "stale").where(RESOURCE.ID.eq(1))
                .lockingPolicy(adaptive.optimistic(RESOURCE.VERSION, 1)).execute()));
        assertEquals(2, conflict.actualVersion(), "diagnosed as any optimistic conflict");
        assertEquals(1, DirectUpdate.cachedShapes(), "the conflicting update ran directly too");
    }
}
