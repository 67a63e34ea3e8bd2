package dev.occ.internal.direct;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.occ.Occ;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The direct path's caches: one entry per shape, no bind value in them, and empty on request. */
class DirectUpdateCacheTest {

    /** jOOQ's mock connection: what is sent does not matter here, only what the cache keeps. */
    final DSLContext ctx = DSL.using(new MockConnection(c -> new MockResult[] { new MockResult(1) }), SQLDialect.POSTGRES);

    @BeforeEach
    void empty() {
        DirectUpdate.clearCaches();
    }

    private void rename(int id, String name, int version) {
        Occ.using(ctx).update(RESOURCE).set(RESOURCE.NAME, name).where(RESOURCE.ID.eq(id))
                .lockingPolicy(optimistic(RESOURCE.VERSION, version)).execute();
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
        assertEquals(2, DirectUpdate.cachedShapes(), "another where clause, another shape");
        DirectUpdate.clearCaches();
        assertEquals(0, DirectUpdate.cachedShapes());
    }

    @Test
    void aCachedShapeHoldsNoBindValue() {
        String secret = "a value only this update carries " + System.nanoTime();
        rename(42, secret, 3);
        assertEquals(1, DirectUpdate.cachedShapes());
        String cached = DirectUpdate.describeCache();
        assertFalse(cached.contains(secret), cached);
        assertFalse(cached.contains("42"), cached);
    }
}
