package dev.occ;

import static dev.occ.Occ.compareAndSet;
import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.ACCOUNT;
import static dev.occ.test.db.Tables.DOCUMENT;
import static dev.occ.test.db.Tables.PLAYER;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.internal.direct.DirectUpdate;
import dev.occ.internal.direct.FreshDirectCaches;
import dev.occ.postgres.TestDatabaseExtension;
import dev.occ.test.db.tables.records.ResourceRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.VisitContext;
import org.jooq.VisitListener;
import org.jooq.conf.Settings;
import org.jooq.conf.StatementType;
import org.jooq.exception.DataException;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockExecuteContext;
import org.jooq.tools.jdbc.MockResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#6] The direct execution of simple locked updates: the same SQL and bind values as through
 * jOOQ, the same results and errors, and jOOQ's execution wherever the direct path would bypass
 * something configured.
 */
class DirectUpdateTest {

    @RegisterExtension
    static final TestDatabaseExtension database = TestDatabaseExtension.migrated();

    /** A context on the test database without any listener: the direct path applies. */
    private static DSLContext plain() {
        return DSL.using(database.dataSource(), SQLDialect.POSTGRES);
    }

    private static ResourceRecord newResource(DSLContext ctx, String name) {
        return ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA)
                .values(name, JSONB.valueOf("{\"n\": 1}"))
                .returning().fetchOne();
    }

    // ------------------------------------------------------------------------------------ same statement

    /** What a mock connection received: the SQL and the bind values of each statement. */
    private static List<String> sent(DSLContext ctx, Function<LockingDSLContext, Integer> update) {
        List<String> statements = new ArrayList<>();
        DSLContext mock = DSL.using(new DefaultConfiguration()
                .set(new MockConnection(c -> {
                    statements.add(sql(c));
                    return new MockResult[] { new MockResult(1) };
                }))
                .set(ctx.dialect())
                .set(ctx.settings()));
        mock.configuration().data().putAll(ctx.configuration().data());
        assertEquals(1, update.apply(Occ.using(mock)));
        return statements;
    }

    private static String sql(MockExecuteContext c) {
        return c.sql() + " " + Arrays.toString(c.bindings());
    }

    private static void sameAsThroughJooq(Function<LockingDSLContext, Integer> update) {
        DSLContext direct = DSL.using(SQLDialect.POSTGRES);
        DSLContext throughJooq = DSL.using(SQLDialect.POSTGRES);
        throughJooq.configuration().data(Occ.DIRECT_EXECUTION, false);
        for (int i = 0; i < 3; i++) { // the first renders the shape, the next reuse it
            List<String> expected = sent(throughJooq, update);
            assertEquals(1, expected.size());
            assertEquals(expected, sent(direct, update));
        }
    }

    @Test
    void sendsWhatJooqSends() {
        sameAsThroughJooq(db -> db.update(RESOURCE)
                .set(RESOURCE.NAME, "renamed")
                .set(RESOURCE.DATA, JSONB.valueOf("{\"a\": 1}"))
                .where(RESOURCE.ID.eq(7))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 3))
                .execute());
        sameAsThroughJooq(db -> db.update(DOCUMENT)
                .set(DOCUMENT.TITLE, "title")
                .set(DOCUMENT.BODY, "body")
                .where(DOCUMENT.ID.eq(5L).and(DOCUMENT.TITLE.ne("old").or(DOCUMENT.ID.lt(2L))))
                .lockingPolicy(optimistic(DOCUMENT.VERSION, 1L << 40))
                .execute());
        sameAsThroughJooq(db -> db.update(PLAYER)
                .set(PLAYER.NUM_POINTS, 8)
                .where(PLAYER.ID.eq(1), PLAYER.TEAM_ID.ge(2))
                .lockingPolicy(compareAndSet(PLAYER.NUM_POINTS, 10))
                .execute());
    }

    /**
     * [occ#15] The realistic update: a bind value, a column set to an expression of itself and a
     * bind value, and the time of the change, in one statement; and the other expressions a SET
     * value may be on the direct path (a column, arithmetic of several, casts, the current date and
     * time). Each runs directly (a shape is cached) and sends what jOOQ sends.
     */
    @Test
    void expressionsInSetClausesSendWhatJooqSends() {
        List<Function<LockingDSLContext, Integer>> updates = List.of(
                db -> db.update(ACCOUNT)
                        .set(ACCOUNT.OWNER, "owner")
                        .set(ACCOUNT.BALANCE, ACCOUNT.BALANCE.plus(2))
                        .set(ACCOUNT.UPDATED_AT, DSL.currentOffsetDateTime())
                        .where(ACCOUNT.ID.eq(3))
                        .lockingPolicy(optimistic(ACCOUNT.VERSION, 4))
                        .execute(),
                db -> db.update(ACCOUNT)
                        .set(ACCOUNT.BALANCE, ACCOUNT.BALANCE.minus(ACCOUNT.ID).times(3).div(DSL.val(2)))
                        .set(ACCOUNT.OWNER, ACCOUNT.OWNER)
                        .set(ACCOUNT.UPDATED_AT, DSL.currentTimestamp().cast(ACCOUNT.UPDATED_AT.getDataType()))
                        .where(ACCOUNT.ID.eq(3))
                        .lockingPolicy(optimistic(ACCOUNT.VERSION, 5))
                        .execute(),
                db -> db.update(PLAYER)
                        .set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(2))
                        .set(PLAYER.UPDATED_AT, DSL.currentOffsetDateTime())
                        .where(PLAYER.ID.eq(1))
                        .lockingPolicy(compareAndSet(PLAYER.NUM_POINTS, 10))
                        .execute());
        for (Function<LockingDSLContext, Integer> update : updates) {
            DirectUpdate.clearCaches();
            sameAsThroughJooq(update);
            assertEquals(1, FreshDirectCaches.cachedShapes(), "the update ran on the direct path");
        }
    }

    /** A precision makes {@code current_timestamp} render differently: such an update runs through jOOQ. */
    @Test
    void aCurrentTimestampWithPrecisionRunsThroughJooq() {
        DirectUpdate.clearCaches();
        sameAsThroughJooq(db -> db.update(ACCOUNT)
                .set(ACCOUNT.UPDATED_AT, DSL.currentTimestamp(3).cast(ACCOUNT.UPDATED_AT.getDataType()))
                .where(ACCOUNT.ID.eq(3))
                .lockingPolicy(optimistic(ACCOUNT.VERSION, 4))
                .execute());
        assertEquals(0, FreshDirectCaches.cachedShapes(), "no shape: " + FreshDirectCaches.describeCache());
    }

    @Test
    void bindValuesOfEachCallAreItsOwn() {
        DSLContext ctx = DSL.using(SQLDialect.POSTGRES);
        for (int i = 1; i <= 3; i++) {
            int v = i;
            List<String> statements = sent(ctx, db -> db.update(RESOURCE).set(RESOURCE.NAME, "name " + v)
                    .where(RESOURCE.ID.eq(10 + v)).lockingPolicy(optimistic(RESOURCE.VERSION, 20 + v)).execute());
            assertTrue(statements.get(0).endsWith("[name " + v + ", " + (10 + v) + ", " + (20 + v) + "]"),
                    statements.get(0));
        }
    }

    @Test
    void renderingSettingsApplyAndAChangeInPlaceIsSeen() {
        List<String> statements = new ArrayList<>();
        DSLContext ctx = DSL.using(new MockConnection(c -> {
            statements.add(sql(c));
            return new MockResult[] { new MockResult(1) };
        }), SQLDialect.POSTGRES, new Settings().withRenderSchema(false));
        Runnable update = () -> Occ.using(ctx).update(RESOURCE).set(RESOURCE.NAME, "x")
                .where(RESOURCE.ID.eq(1)).lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute();
        update.run();
        update.run();
        ctx.settings().setRenderSchema(true);
        update.run();
        assertFalse(statements.get(0).contains("\"public\""), statements.get(0));
        assertEquals(statements.get(0), statements.get(1));
        assertTrue(statements.get(2).contains("\"public\".\"resource\""), statements.get(2));
    }

    @Test
    void staticStatementsAndVisitListenersRunThroughJooq() {
        DSLContext inlined = DSL.using(SQLDialect.POSTGRES,
                new Settings().withStatementType(StatementType.STATIC_STATEMENT));
        String sql = sent(inlined, db -> db.update(RESOURCE).set(RESOURCE.NAME, "x")
                .where(RESOURCE.ID.eq(42)).lockingPolicy(optimistic(RESOURCE.VERSION, 9)).execute()).get(0);
        assertTrue(sql.contains("= 42") && sql.contains("'x'"), sql);

        DSLContext visited = DSL.using(SQLDialect.POSTGRES);
        visited.configuration().set(new VisitListener() {
            @Override
            public void visitStart(VisitContext context) {
                // a listener that could render each execution differently
            }
        });
        assertFalse(DirectUpdate.allowed(visited.configuration()));
        assertTrue(DirectUpdate.allowed(DSL.using(SQLDialect.POSTGRES).configuration()));
        assertFalse(DirectUpdate.allowed(DSL.using(SQLDialect.H2).configuration()));
    }

    // ------------------------------------------------------------------------------------ listeners

    @Test
    void anExecuteListenerSeesEveryUpdateUnlessTheUserOptsIn() {
        Databases.StatementCounter counter = new Databases.StatementCounter();
        Configuration configuration = new DefaultConfiguration().set(database.dataSource())
                .set(SQLDialect.POSTGRES).set(counter);
        DSLContext ctx = DSL.using(configuration);
        ResourceRecord r = newResource(ctx, "listened");
        counter.reset();

        Occ.using(ctx).update(RESOURCE).set(RESOURCE.NAME, "seen").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute();
        assertEquals(1, counter.reset(), "by default, a configured listener sees the update");

        configuration.data(Occ.DIRECT_EXECUTION, true);
        Occ.using(ctx).update(RESOURCE).set(RESOURCE.NAME, "unseen").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 2)).execute();
        assertEquals(0, counter.reset(), "opted in: the update runs directly");
        assertEquals("unseen", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(r.getId())));
        counter.reset();

        // the opt-in is kept by the configurations jOOQ derives for transactions
        ctx.transaction(cfg -> Occ.using(cfg).update(RESOURCE).set(RESOURCE.NAME, "in a transaction")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(RESOURCE.VERSION, 3)).execute());
        assertEquals(0, counter.reset());
        assertEquals(4, ctx.fetchValue(RESOURCE.VERSION, RESOURCE.ID.eq(r.getId())));
        counter.reset();

        // a conflict's diagnosis still runs through jOOQ
        assertThrows(ConflictException.class, () -> Occ.using(ctx).update(RESOURCE).set(RESOURCE.NAME, "late")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(RESOURCE.VERSION, 3)).execute());
        assertEquals(1, counter.reset());
    }

    // ------------------------------------------------------------------------------------ on PostgreSQL

    @Test
    void writesMovesTheVersionOnAndDiagnosesConflicts() {
        DSLContext ctx = plain();
        ResourceRecord r = newResource(ctx, "direct");
        for (int v = 1; v <= 5; v++) {
            assertEquals(1, Occ.using(ctx).update(RESOURCE)
                    .set(RESOURCE.NAME, "direct " + v)
                    .set(RESOURCE.DATA, JSONB.valueOf("{\"n\": " + v + "}"))
                    .where(RESOURCE.ID.eq(r.getId()))
                    .lockingPolicy(optimistic(RESOURCE.VERSION, v))
                    .execute());
        }
        ResourceRecord stored = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(r.getId()));
        assertEquals(6, stored.getVersion());
        assertEquals("direct 5", stored.getName());
        assertEquals(JSONB.valueOf("{\"n\": 5}"), stored.getData());

        ConflictException stale = assertThrows(ConflictException.class, () -> Occ.using(ctx).update(RESOURCE)
                .set(RESOURCE.NAME, "stale").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 5)).execute());
        assertEquals(ConflictException.Kind.VERSION_CHANGED, stale.kind());
        assertEquals(6, stale.actualVersion());

        ConflictException gone = assertThrows(ConflictException.class, () -> Occ.using(ctx).update(RESOURCE)
                .set(RESOURCE.NAME, "gone").where(RESOURCE.ID.eq(-1))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertTrue(gone.isRowGone());
    }

    @Test
    void worksInTransactionsAndRollsBackWithThem() {
        DSLContext ctx = plain();
        ResourceRecord r = newResource(ctx, "transactional");
        assertThrows(IllegalStateException.class, () -> ctx.transaction(cfg -> {
            Occ.using(cfg).update(RESOURCE).set(RESOURCE.NAME, "rolled back").where(RESOURCE.ID.eq(r.getId()))
                    .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute();
            throw new IllegalStateException("roll back");
        }));
        assertEquals(1, ctx.fetchValue(RESOURCE.VERSION, RESOURCE.ID.eq(r.getId())));
        ctx.transaction(cfg -> Occ.using(cfg).update(RESOURCE).set(RESOURCE.NAME, "committed")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertEquals("committed", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(r.getId())));
    }

    @Test
    void errorsAreTranslatedAsJooqTranslatesThem() {
        DSLContext direct = plain();
        DSLContext throughJooq = plain();
        throughJooq.configuration().data(Occ.DIRECT_EXECUTION, false);
        ResourceRecord r = newResource(direct, "bad json");
        for (DSLContext ctx : List.of(direct, throughJooq)) {
            DataException e = assertThrows(DataException.class, () -> Occ.using(ctx).update(RESOURCE)
                    .set(RESOURCE.DATA, JSONB.valueOf("{not json"))
                    .where(RESOURCE.ID.eq(r.getId()))
                    .lockingPolicy(optimistic(RESOURCE.VERSION, 1))
                    .execute());
            assertTrue(e.getMessage().startsWith("SQL [update \"public\".\"resource\" set \"data\" = cast(? as jsonb)"),
                    e.getMessage());
            assertEquals("22P02", e.sqlState());
        }
    }

    @Test
    void updatesThatAreNotSimpleRunThroughJooqAndStillWork() {
        DSLContext ctx = plain();
        ResourceRecord r = newResource(ctx, "expression");
        assertEquals(1, Occ.using(ctx).update(RESOURCE)
                .set(RESOURCE.NAME, RESOURCE.NAME.concat(DSL.val("!")))
                .where(RESOURCE.ID.eq(r.getId()).and(RESOURCE.NAME.like("expr%")))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1))
                .execute());
        assertEquals("expression!", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(r.getId())));
    }
}
