package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An optimistic update racing a delete of the same row: the loser learns that the row is gone, not
 * that its version moved (and, the other way round, a locked delete that loses to an update learns
 * that the version moved).
 */
class DeleteRaceTest {

    @RegisterExtension
    static final RaceExtension race = RaceExtension.withMainSession("occ-race-main");
    static final DSLContext ctx = race.ctx();
    static ExecutorService threads;

    @BeforeAll
    static void threads() {
        threads = Executors.newCachedThreadPool(r -> new Thread(r, "race-delete"));
    }

    @AfterAll
    static void stop() {
        threads.shutdownNow();
    }

    private static int resource(String name) {
        return ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values(name, JSONB.valueOf("{}"))
                .returning(RESOURCE.ID).fetchOne().getId();
    }

    /** Waits until the session {@code waiter} waits for a lock that {@code holder} holds. */
    private static void awaitBlocked(Race.Session waiter, Race.Session holder) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Boolean blocked = ctx.select(DSL.field("{0} = any(pg_blocking_pids({1}))", Boolean.class,
                    DSL.val(holder.pid()), DSL.val(waiter.pid()))).fetchOne().value1();
            if (Boolean.TRUE.equals(blocked)) {
                return;
            }
            Thread.sleep(5);
        }
        fail("session " + waiter.pid() + " did not block behind session " + holder.pid() + " within 10 s");
    }

    @Test
    void anUpdateBlockedBehindADeleteLearnsTheRowIsGone() throws Exception {
        int id = resource("deleted-while-updating");
        int version = ctx.fetchValue(RESOURCE.VERSION, RESOURCE.ID.eq(id));
        try (Race.Session deleter = race.session("occ-deleter"); Race.Session updater = race.session("occ-updater")) {
            CountDownLatch deleted = new CountDownLatch(1);
            CountDownLatch updaterBlocked = new CountDownLatch(1);
            Future<?> delete = threads.submit(() -> deleter.ctx().transaction(cfg -> {
                Occ.using(cfg).delete(RESOURCE).where(RESOURCE.ID.eq(id))
                        .lockingPolicy(optimistic(RESOURCE.VERSION, version)).execute();
                deleted.countDown();
                assertTrue(updaterBlocked.await(10, TimeUnit.SECONDS), "the updater never blocked");
            })); // commits here
            assertTrue(deleted.await(10, TimeUnit.SECONDS), "the delete did not run");

            Future<ConflictException> update = threads.submit(() -> assertThrows(ConflictException.class,
                    () -> Occ.using(updater.ctx()).update(RESOURCE).set(RESOURCE.NAME, "too late")
                            .where(RESOURCE.ID.eq(id)).lockingPolicy(optimistic(RESOURCE.VERSION, version)).execute()));
            awaitBlocked(updater, deleter);
            updaterBlocked.countDown();
            delete.get(10, TimeUnit.SECONDS);
            ConflictException e = update.get(10, TimeUnit.SECONDS);

            assertTrue(e.isRowGone(), "expected ROW_GONE, got " + e.kind() + ": " + e.getMessage());
            assertEquals(ConflictException.Kind.ROW_GONE, e.kind());
            assertEquals(version, e.expectedVersion());
            assertNull(e.actualVersion());
            assertTrue(e.getMessage().contains("no row matches"), e.getMessage());
            assertFalse(ctx.fetchExists(RESOURCE, RESOURCE.ID.eq(id)), "the delete committed");
        }
    }

    @Test
    void aLockedDeleteBlockedBehindAnUpdateLearnsTheVersionMoved() throws Exception {
        int id = resource("updated-while-deleting");
        int version = ctx.fetchValue(RESOURCE.VERSION, RESOURCE.ID.eq(id));
        try (Race.Session updater = race.session("occ-updater"); Race.Session deleter = race.session("occ-deleter")) {
            CountDownLatch updated = new CountDownLatch(1);
            CountDownLatch deleterBlocked = new CountDownLatch(1);
            Future<?> update = threads.submit(() -> updater.ctx().transaction(cfg -> {
                Occ.using(cfg).update(RESOURCE).set(RESOURCE.NAME, "first").where(RESOURCE.ID.eq(id))
                        .lockingPolicy(optimistic(RESOURCE.VERSION, version)).execute();
                updated.countDown();
                assertTrue(deleterBlocked.await(10, TimeUnit.SECONDS), "the deleter never blocked");
            }));
            assertTrue(updated.await(10, TimeUnit.SECONDS), "the update did not run");

            Future<ConflictException> delete = threads.submit(() -> assertThrows(ConflictException.class,
                    () -> Occ.using(deleter.ctx()).delete(RESOURCE).where(RESOURCE.ID.eq(id))
                            .lockingPolicy(optimistic(RESOURCE.VERSION, version)).execute()));
            awaitBlocked(deleter, updater);
            deleterBlocked.countDown();
            update.get(10, TimeUnit.SECONDS);
            ConflictException e = delete.get(10, TimeUnit.SECONDS);

            assertEquals(ConflictException.Kind.VERSION_CHANGED, e.kind(), e.getMessage());
            assertEquals(version, e.expectedVersion());
            assertEquals(version + 1, e.actualVersion());
            assertTrue(ctx.fetchExists(RESOURCE, RESOURCE.ID.eq(id)), "the row is still there");
        }
    }

    /**
     * Many rows, each raced by an updater and a deleter released together: whenever the update
     * loses, it must say ROW_GONE, since nothing but the delete touched the row.
     */
    @Test
    void updatesRacingDeletesOnlyEverLoseWithRowGone() {
        int pairs = Math.max(1, Race.THREADS / 2);
        int rowsPerPair = 100;
        List<List<Integer>> rows = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            var insert = ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA);
            for (int i = 0; i < rowsPerPair; i++) {
                insert = insert.values("race-" + p + "-" + i, JSONB.valueOf("{}"));
            }
            rows.add(insert.returning(RESOURCE.ID).fetch(RESOURCE.ID));
        }
        List<CyclicBarrier> gates = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            gates.add(new CyclicBarrier(2));
        }

        long start = System.nanoTime();
        List<int[]> results = Race.run("update-vs-delete", 2 * pairs, worker -> {
            int pair = worker / 2;
            boolean updater = worker % 2 == 0;
            int[] counts = new int[4]; // updated, row gone, version changed, gone before it was read
            try (Race.Session session = race.session(Race.WORKER_APPLICATION)) {
                for (int id : rows.get(pair)) {
                    gates.get(pair).await(10, TimeUnit.SECONDS);
                    if (!updater) {
                        session.ctx().deleteFrom(RESOURCE).where(RESOURCE.ID.eq(id)).execute();
                        continue;
                    }
                    Integer version = session.ctx().fetchValue(RESOURCE.VERSION, RESOURCE.ID.eq(id));
                    if (version == null) {
                        counts[3]++;
                        continue;
                    }
                    try {
                        Occ.using(session.ctx()).update(RESOURCE).set(RESOURCE.NAME, "updated")
                                .where(RESOURCE.ID.eq(id)).lockingPolicy(optimistic(RESOURCE.VERSION, version))
                                .execute();
                        counts[0]++;
                    } catch (ConflictException e) {
                        counts[e.isRowGone() ? 1 : 2]++;
                        if (!e.isRowGone()) {
                            System.out.println("[occ race] update lost to a delete but was told: " + e.getMessage());
                        }
                    }
                }
            }
            return counts;
        });
        int[] sum = new int[4];
        results.forEach(c -> {
            for (int i = 0; i < 4; i++) {
                sum[i] += c[i];
            }
        });
        Race.report("update racing delete, %d rows: %d updates won, %d lost with ROW_GONE, %d with VERSION_CHANGED, "
                + "%d rows gone before the updater read them; %d ms", pairs * rowsPerPair, sum[0], sum[1], sum[2],
                sum[3], Race.millisSince(start));
        assertEquals(0, sum[2], "an update that lost to a delete was told the version moved");
        assertEquals(pairs * rowsPerPair, sum[0] + sum[1] + sum[3], "every row was raced once");
        List<Integer> all = rows.stream().flatMap(List::stream).toList();
        assertEquals(0, ctx.fetchCount(RESOURCE, RESOURCE.ID.in(all)), "every delete committed");
    }
}
