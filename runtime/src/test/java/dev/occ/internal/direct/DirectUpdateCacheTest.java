package dev.occ.internal.direct;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.occ.ConflictException;
import dev.occ.Occ;
import dev.occ.postgres.TestDatabaseExtension;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The direct path's caches, on PostgreSQL: one entry per shape, no bind value in them, and empty on request. */
class DirectUpdateCacheTest {

    @RegisterExtension
    static final TestDatabaseExtension DATABASE = TestDatabaseExtension.migrated();
    /** No listener: the direct path applies. */
    static DSLContext ctx;

    @BeforeAll
    static void rows() {
        ctx = DSL.using(DATABASE.dataSource(), SQLDialect.POSTGRES);
        for (int i = 0; i < 4; i++) {
            ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values("r", JSONB.valueOf("{}")).execute();
        }
    }

    @BeforeEach
    void empty() {
        DirectUpdate.clearCaches();
    }

    /** Renames a row, whatever its version (a conflict is as good as a write for the cache). */
    private void rename(int id, String name, int version) {
        try {
            Occ.using(ctx).update(RESOURCE).set(RESOURCE.NAME, name).where(RESOURCE.ID.eq(id))
                    .lockingPolicy(optimistic(RESOURCE.VERSION, version)).execute();
        } catch (ConflictException e) {
            // the direct path ran the update, which found no row at that version
        }
    }

    /** Also the first two updates on new settings: jOOQ changes settings when it first renders with them. */
    @Test
    void oneEntryPerShapeWhateverTheValues() {
        assertEquals(0, DirectUpdate.cachedShapes());
        rename(1, "a", 1);
        assertEquals(1, DirectUpdate.cachedShapes());
        rename(2, "b", 7);
        assertEquals(1, DirectUpdate.cachedShapes(), () -> "same shape, other values: " + DirectUpdate.describeCache());
        Occ.using(ctx).update(RESOURCE).set(RESOURCE.NAME, "c").where(RESOURCE.ID.eq(3).and(RESOURCE.NAME.ne("x")))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute();
        assertEquals("c", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(3)));
        assertEquals(2, DirectUpdate.cachedShapes(), "another where clause, another shape");
        DirectUpdate.clearCaches();
        assertEquals(0, DirectUpdate.cachedShapes());
    }

    @Test
    void aCachedShapeHoldsNoBindValue() {
        String secret = "a value only this update carries " + System.nanoTime();
        rename(987654321, secret, 3); // no such row: the direct path still ran it
        assertEquals(1, DirectUpdate.cachedShapes());
        String cached = DirectUpdate.describeCache();
        assertFalse(cached.contains(secret), cached);
        assertFalse(cached.contains("987654321"), cached); // nine digits: no identity hash in the text has them
    }
}
