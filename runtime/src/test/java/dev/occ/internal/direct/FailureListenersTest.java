package dev.occ.internal.direct;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.Occ;
import dev.occ.postgres.TestDatabaseExtension;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#15] Listeners that watch only failures (as Spring Boot's exception translator does) leave the
 * direct path on, and see each failure of it as they would see jOOQ's: the same callback, the same
 * SQL and {@code SQLException}, and what they put in {@code ctx.exception(..)} is what is thrown.
 * On PostgreSQL; the direct path's caches start empty for each test.
 */
class FailureListenersTest {

    @RegisterExtension
    static final TestDatabaseExtension database = TestDatabaseExtension.migrated();

    /** What a translator throws instead of jOOQ's exception. */
    static final class Translated extends RuntimeException {
        final String sqlState;

        Translated(String message, String sqlState, Throwable cause) {
            super(message, cause);
            this.sqlState = sqlState;
        }
    }

    /** Like Spring's translator: overrides {@code exception} only, and replaces the exception. */
    static final class Translator implements ExecuteListener {
        final List<String> seen = new ArrayList<>();

        @Override
        public void exception(ExecuteContext ctx) {
            SQLException e = ctx.sqlException();
            assertNotNull(e, "the SQLException is in the context");
            assertNotNull(ctx.exception(), "jOOQ's translation is in the context");
            assertSame(SQLDialect.POSTGRES, ctx.configuration().dialect());
            seen.add(ctx.sql() + " | " + ctx.exception().getClass().getSimpleName());
            ctx.exception(new Translated("translated: " + ctx.sql(), e.getSQLState(), e));
        }
    }

    /** Watches successes too: the direct path must stay off. */
    static final class Counter implements ExecuteListener {
        int executions;

        @Override
        public void executeEnd(ExecuteContext ctx) {
            executions++;
        }
    }

    /** Extends jOOQ's no-op base class and overrides only {@code exception}. */
    @SuppressWarnings("deprecation")
    static final class OldStyleTranslator extends org.jooq.impl.DefaultExecuteListener {
        int failures;

        @Override
        public void exception(ExecuteContext ctx) {
            failures++;
        }
    }

    private static DSLContext with(ExecuteListener... listeners) {
        Configuration c = new DefaultConfiguration().set(database.dataSource()).set(SQLDialect.POSTGRES)
                .set(DefaultExecuteListenerProvider.providers(listeners));
        return DSL.using(c);
    }

    private static int newResource(DSLContext ctx) {
        return ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values("listened", JSONB.valueOf("{}"))
                .returning(RESOURCE.ID).fetchOne().getId();
    }

    private static int rename(DSLContext ctx, int id, int version) {
        return Occ.using(ctx).update(RESOURCE).set(RESOURCE.NAME, "renamed " + version)
                .where(RESOURCE.ID.eq(id)).lockingPolicy(optimistic(RESOURCE.VERSION, version)).execute();
    }

    private static Translated badJson(DSLContext ctx, int id) {
        return assertThrows(Translated.class, () -> Occ.using(ctx).update(RESOURCE)
                .set(RESOURCE.DATA, JSONB.valueOf("{not json")).where(RESOURCE.ID.eq(id))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
    }

    @Test
    void aListenerOfFailuresOnlyLeavesTheDirectPathOnAndSeesItsFailuresAsJooqShowsThem() {
        Translator direct = new Translator();
        DSLContext ctx = with(direct);
        assertTrue(DirectUpdate.allowed(ctx.configuration()));
        int id = newResource(ctx);
        assertEquals(1, rename(ctx, id, 1));
        assertEquals(1, DirectUpdate.cachedShapes(), "the update ran on the direct path");
        assertEquals(List.of(), direct.seen, "a success is nothing to the listener");

        Translated fromDirect = badJson(ctx, id);
        assertEquals(2, DirectUpdate.cachedShapes(), "the failing update ran on the direct path too");

        Translator jooqs = new Translator();
        DSLContext throughJooq = with(jooqs);
        throughJooq.configuration().data(Occ.DIRECT_EXECUTION, false);
        Translated fromJooq = badJson(throughJooq, id);

        assertEquals(fromJooq.getMessage(), fromDirect.getMessage(), "the same SQL in the context");
        assertEquals("22P02", fromDirect.sqlState);
        assertEquals(fromJooq.sqlState, fromDirect.sqlState);
        assertSame(fromJooq.getCause().getClass(), fromDirect.getCause().getClass());
        assertEquals(jooqs.seen, direct.seen, "the listener saw what it sees from jOOQ: SQL and jOOQ's translation");
        assertEquals(1, direct.seen.size());
        assertTrue(direct.seen.get(0).endsWith("| DataException"), direct.seen.get(0));
        assertEquals(2, ctx.fetchValue(RESOURCE.VERSION, RESOURCE.ID.eq(id)), "nothing written by the failure");
    }

    @Test
    void aListenerOfMoreThanFailuresTurnsTheDirectPathOff() {
        Counter counter = new Counter();
        DSLContext ctx = with(new Translator(), counter);
        assertFalse(DirectUpdate.allowed(ctx.configuration()));
        int id = newResource(ctx);
        counter.executions = 0;
        assertEquals(1, rename(ctx, id, 1));
        assertEquals(1, counter.executions, "the listener saw the update");
        assertEquals(0, DirectUpdate.cachedShapes());
    }

    @Test
    void jooqsNoOpBaseClassCountsAsNothingOverridden() {
        OldStyleTranslator listener = new OldStyleTranslator();
        DSLContext ctx = with(listener);
        assertTrue(DirectUpdate.allowed(ctx.configuration()));
        int id = newResource(ctx);
        assertEquals(1, rename(ctx, id, 1));
        assertEquals(1, DirectUpdate.cachedShapes());
        assertThrows(org.jooq.exception.DataException.class, () -> Occ.using(ctx).update(RESOURCE)
                .set(RESOURCE.DATA, JSONB.valueOf("{not json")).where(RESOURCE.ID.eq(id))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 2)).execute());
        assertEquals(1, listener.failures);
    }

    /**
     * A listener that runs another locked update on the same thread while it is told of a failure:
     * both run on the direct path, each with its own bind values.
     */
    @Test
    void anUpdateInsideTheFailureCallbackRunsWithItsOwnValues() {
        int[] ids = new int[2];
        ExecuteListener compensating = new ExecuteListener() {
            @Override
            public void exception(ExecuteContext ctx) {
                rename(ctx.dsl(), ids[1], 1);
            }
        };
        DSLContext ctx = with(compensating);
        ids[0] = newResource(ctx);
        ids[1] = newResource(ctx);
        assertThrows(org.jooq.exception.DataException.class, () -> Occ.using(ctx).update(RESOURCE)
                .set(RESOURCE.DATA, JSONB.valueOf("{not json")).where(RESOURCE.ID.eq(ids[0]))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertEquals("renamed 1", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(ids[1])));
        assertEquals(2, ctx.fetchValue(RESOURCE.VERSION, RESOURCE.ID.eq(ids[1])));
        assertEquals(1, ctx.fetchValue(RESOURCE.VERSION, RESOURCE.ID.eq(ids[0])));
        assertEquals(2, DirectUpdate.cachedShapes(), "both ran on the direct path");
        // the thread's shape is free again: the next update binds its own values
        assertEquals(1, rename(ctx, ids[0], 1));
        assertEquals("renamed 1", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(ids[0])));
    }

    @Test
    void jooqsCallbackListenersWatchEverythingAsFarAsOccCanTell() {
        assertFalse(FailureListeners.exceptionOnly(ExecuteListener.onException(ctx -> { })),
                "CallbackExecuteListener overrides every callback");
        assertTrue(FailureListeners.exceptionOnly(new Translator()));
        assertFalse(FailureListeners.exceptionOnly(new Counter()));
    }
}
