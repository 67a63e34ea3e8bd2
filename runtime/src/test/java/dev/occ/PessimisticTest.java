package dev.occ;

import static dev.occ.Occ.pessimistic;
import static dev.occ.test.db.Tables.PLAYER;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.PlayerRecord;
import dev.occ.test.db.tables.records.ResourceRecord;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#13] Pessimistic policies on PostgreSQL: only in a transaction, NOWAIT and a wait time name
 * the table and the rows, the wait time does not leak, SKIP LOCKED writes exactly the unlocked rows,
 * FOR SHARE lets readers in and keeps writers out, and the points transfer under row locks keeps
 * the exact total.
 */
class PessimisticTest {

    @RegisterExtension
    static final LockingDatabase DATABASE = LockingDatabase.migrated();
    static final Databases.StatementCounter STATEMENTS = DATABASE.statements();
    static final DSLContext ctx = DATABASE.ctx();
    static final LockingDSLContext db = DATABASE.db();

    private static ResourceRecord newResource(String name) {
        return ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values(name, JSONB.valueOf("{}")).returning().fetchOne();
    }

    /** Another transaction that holds row locks until it is closed (rolled back). */
    private static final class Holder implements AutoCloseable {
        final Connection connection;
        final DSLContext dsl;

        Holder() throws Exception {
            connection = DATABASE.connect();
            connection.setAutoCommit(false);
            dsl = DSL.using(connection, SQLDialect.POSTGRES);
        }

        Holder lock(int... ids) {
            for (int id : ids) {
                dsl.selectFrom(RESOURCE).where(RESOURCE.ID.eq(id)).forUpdate().fetch();
            }
            return this;
        }

        @Override
        public void close() throws Exception {
            connection.rollback();
            connection.close();
        }
    }

    @Test
    void outsideATransactionNothingRuns() {
        ResourceRecord r = newResource("autocommit");
        STATEMENTS.reset();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.update(RESOURCE)
                .set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(r.getId())).lockingPolicy(pessimistic(RESOURCE)).execute());
        assertEquals("pessimistic(public.resource) takes row locks, which last until the transaction ends, but this "
                + "update of public.resource runs on an autocommit connection, where they would end with the statement; "
                + "run it in ctx.transactionResult(cfg -> ..) with Occ.using(cfg), or in a RetryPolicy's unit",
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> db.delete(RESOURCE).where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(pessimistic(RESOURCE).noWait()).execute());
        assertThrows(IllegalStateException.class, () -> db.fetchLocked(RESOURCE, RESOURCE.ID.eq(r.getId()),
                pessimistic(RESOURCE)));
        assertEquals(0, STATEMENTS.reset(), "no statement reached the server");
        assertEquals("autocommit", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(r.getId())));
    }

    @Test
    void anUpdateMovesTheVersionOnSoOptimisticReadersSeeIt() {
        ResourceRecord r = newResource("versioned");
        int written = ctx.transactionResult(cfg -> Occ.using(cfg).update(RESOURCE).set(RESOURCE.NAME, "locked")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(pessimistic(RESOURCE)).execute());
        assertEquals(1, written);
        assertEquals(2, ctx.fetchValue(RESOURCE.VERSION, RESOURCE.ID.eq(r.getId())));
        assertThrows(ConflictException.class, () -> db.update(RESOURCE).set(RESOURCE.NAME, "stale")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(Occ.optimistic(RESOURCE.VERSION, 1)).execute());
    }

    @Test
    void noWaitNamesTheTableAndTheRows() throws Exception {
        ResourceRecord r = newResource("held");
        try (Holder other = new Holder().lock(r.getId())) {
            LockNotAvailableException e = assertThrows(LockNotAvailableException.class, () -> ctx.transaction(cfg ->
                    Occ.using(cfg).update(RESOURCE).set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(r.getId()))
                            .lockingPolicy(pessimistic(RESOURCE).noWait()).execute()));
            assertEquals("55P03", e.sqlState());
            assertEquals(RESOURCE, e.table());
            assertEquals("\"public\".\"resource\".\"id\" = " + r.getId(), e.rows());
            assertEquals("Conflict on public.resource where \"public\".\"resource\".\"id\" = " + r.getId() + ": a row is "
                    + "locked by another transaction, and pessimistic(public.resource).noWait() does not wait. Nothing was "
                    + "written; retry the unit (RetryPolicy.builder().handleSqlStates(\"55P03\")), or report that the row "
                    + "is busy", e.getMessage());
            assertThrows(LockNotAvailableException.class, () -> ctx.transaction(cfg -> Occ.using(cfg)
                    .fetchLocked(RESOURCE, RESOURCE.ID.eq(r.getId()), pessimistic(RESOURCE).forShare().noWait())));
        }
        assertEquals("held", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(r.getId())));
    }

    @Test
    void aWaitTimeFailsAfterItAndDoesNotLeakToTheNextStatement() throws Exception {
        ResourceRecord held = newResource("held");
        ResourceRecord free = newResource("free");
        try (Holder other = new Holder().lock(held.getId())) {
            long start = System.nanoTime();
            LockNotAvailableException e = assertThrows(LockNotAvailableException.class, () -> ctx.transaction(cfg ->
                    Occ.using(cfg).delete(RESOURCE).where(RESOURCE.ID.eq(held.getId()))
                            .lockingPolicy(pessimistic(RESOURCE).waitAtMost(Duration.ofMillis(200))).execute()));
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos(), "it waited");
            assertTrue(e.getMessage().contains("waited its 200 ms"), e.getMessage());

            String after = ctx.transactionResult(cfg -> {
                cfg.dsl().execute("set local lock_timeout = '7s'");
                Occ.using(cfg).update(RESOURCE).set(RESOURCE.NAME, "written").where(RESOURCE.ID.eq(free.getId()))
                        .lockingPolicy(pessimistic(RESOURCE).waitAtMost(Duration.ofMillis(300))).execute();
                return cfg.dsl().fetchValue(DSL.field("current_setting('lock_timeout')", String.class));
            });
            assertEquals("7s", after, "the statement's wait time is put back");
        }
        assertEquals("written", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(free.getId())));
        assertEquals(1, ctx.fetchCount(RESOURCE, RESOURCE.ID.eq(held.getId())), "the failed delete deleted nothing");
    }

    @Test
    void skipLockedWritesAndReadsExactlyTheUnlockedRows() throws Exception {
        String name = "queue-" + System.nanoTime();
        List<Integer> ids = List.of(newResource(name).getId(), newResource(name).getId(), newResource(name).getId(),
                newResource(name).getId(), newResource(name).getId());
        try (Holder other = new Holder().lock(ids.get(1), ids.get(3))) {
            Set<Integer> read = ctx.transactionResult(cfg -> new TreeSet<>(Occ.using(cfg).fetchLocked(RESOURCE,
                    RESOURCE.NAME.eq(name), pessimistic(RESOURCE).skipLocked()).getValues(RESOURCE.ID)));
            assertEquals(Set.of(ids.get(0), ids.get(2), ids.get(4)), read);
            Set<Integer> written = ctx.transactionResult(cfg -> new TreeSet<>(Occ.using(cfg).update(RESOURCE)
                    .set(RESOURCE.NAME, "claimed").where(RESOURCE.NAME.eq(name))
                    .lockingPolicy(pessimistic(RESOURCE).skipLocked()).returning(RESOURCE.ID).fetch().getValues(RESOURCE.ID)));
            assertEquals(Set.of(ids.get(0), ids.get(2), ids.get(4)), written);
            assertEquals(0, (int) ctx.transactionResult(cfg -> Occ.using(cfg).update(RESOURCE).set(RESOURCE.NAME, "none")
                    .where(RESOURCE.NAME.eq(name)).lockingPolicy(pessimistic(RESOURCE).skipLocked()).execute()),
                    "only locked rows are left: nothing written is an outcome, not a conflict");
        }
        assertEquals(2, ctx.fetchCount(RESOURCE, RESOURCE.NAME.eq(name)), "the locked rows kept their name");
    }

    @Test
    void forShareLetsTwoReadersInAndKeepsAWriterOut() throws Exception {
        ResourceRecord r = newResource("shared");
        try (Holder first = new Holder(); Holder second = new Holder()) {
            LockingDSLContext a = Occ.using(first.dsl);
            LockingDSLContext b = Occ.using(second.dsl);
            assertEquals(1, a.fetchLocked(RESOURCE, RESOURCE.ID.eq(r.getId()), pessimistic(RESOURCE).forShare().noWait()).size());
            assertEquals(1, b.fetchLocked(RESOURCE, RESOURCE.ID.eq(r.getId()), pessimistic(RESOURCE).forShare().noWait()).size());
            assertThrows(LockNotAvailableException.class, () -> ctx.transaction(cfg -> Occ.using(cfg).update(RESOURCE)
                    .set(RESOURCE.NAME, "written").where(RESOURCE.ID.eq(r.getId()))
                    .lockingPolicy(pessimistic(RESOURCE).noWait()).execute()));
        }
        assertEquals("shared", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(r.getId())));
    }

    @Test
    void misusesFailFast() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> db.update(RESOURCE)
                .set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(1)).lockingPolicy(pessimistic(RESOURCE).forShare()));
        assertEquals("pessimistic(public.resource).forShare() is a lock for reads, but this update of public.resource "
                + "writes: an update or delete locks FOR UPDATE or FOR NO KEY UPDATE; use pessimistic(RESOURCE) or "
                + ".forNoKeyUpdate(), or read with fetchLocked(..)", e.getMessage());
        assertEquals("timeout cannot be less than 1 ms, but is PT0S; use noWait() not to wait at all",
                assertThrows(IllegalArgumentException.class, () -> pessimistic(RESOURCE).waitAtMost(Duration.ZERO))
                        .getMessage());
        assertEquals("pessimistic(public.resource).forKeyShare().skipLocked()",
                pessimistic(RESOURCE).forKeyShare().skipLocked().toString());
    }

    @Test
    void thePointsTransferUnderRowLocksKeepsTheExactTotal() {
        PointsGame game = PointsGame.create(ctx, Race.PLAYERS, 100_000);
        LongAdder done = new LongAdder();
        AtomicInteger deadlocks = new AtomicInteger();
        RetryPolicy retry = RetryPolicy.builder().withMaxAttempts(20).withMaxDuration(null)
                .onRetry(event -> deadlocks.incrementAndGet()).build();
        Race.run("pessimistic-transfer", Race.THREADS, worker -> {
            Random random = new Random(worker);
            for (int i = 0; i < Race.TRANSFERS; i++) {
                PointsGame.Transfer t = game.randomTransfer(i, random, 5);
                retry.transaction(ctx, cfg -> {
                    LockingDSLContext locked = Occ.using(cfg);
                    // both rows locked, in key order, before either is written
                    for (int id : new TreeSet<>(List.of(t.from(), t.to()))) {
                        locked.fetchLocked(PLAYER, PLAYER.ID.eq(id), pessimistic(PLAYER));
                    }
                    for (int id : new int[] { t.from(), t.to() }) {
                        locked.update(PLAYER)
                                .set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(id == t.from() ? -t.points() : t.points()))
                                .where(PLAYER.ID.eq(id)).lockingPolicy(pessimistic(PLAYER)).execute();
                    }
                });
                done.increment();
            }
            return null;
        });
        assertEquals(game.total, game.sum(ctx), "no point lost or made");
        assertEquals((long) Race.THREADS * Race.TRANSFERS, done.sum());
        assertEquals(0, deadlocks.get(), "locked in key order: no deadlock, no retry");
        PlayerRecord any = ctx.fetchOne(PLAYER, PLAYER.ID.eq(game.players.get(0)));
        assertFalse(any.getNumPoints() < 0);
        Race.report("pessimistic transfer: %d threads x %d transfers, total %d kept", Race.THREADS, Race.TRANSFERS, game.total);
    }
}
