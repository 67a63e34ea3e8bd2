package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.PLAYER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.PlayerRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Counters under contention: {@link Race#THREADS} threads each make {@link Race#INCREMENTS}
 * increments on K rows. Read the row, write {@code n + 1} with an optimistic lock, and retry the
 * unit on a conflict: no increment is lost. Read the row and write {@code n + 1} without a lock:
 * increments are lost.
 */
class CounterRaceTest {

    @RegisterExtension
    static final RaceExtension race = RaceExtension.withMainSession("occ-race-main");
    static final DSLContext ctx = race.ctx();

    /** One increment: read the row and its version, write {@code n + 1} if the version still holds. */
    static void increment(Configuration cfg, int id) {
        PlayerRecord row = cfg.dsl().fetchSingle(PLAYER, PLAYER.ID.eq(id));
        Occ.using(cfg).update(PLAYER)
                .set(PLAYER.NUM_POINTS, row.getNumPoints() + 1)
                .where(PLAYER.ID.eq(id))
                .lockingPolicy(optimistic(PLAYER.UPDATED_AT, row.getUpdatedAt()))
                .execute();
    }

    /** What the workers of one run did: increments per row id, and the retries the policy made. */
    private record Run(Map<Integer, Integer> perRow, int retries, int conflicts, int maxAttempts, long millis) {
    }

    @ParameterizedTest(name = "K = {0}")
    @ValueSource(ints = {1, 100})
    void optimisticIncrementsWithRetriesLoseNothing(int rows) {
        PointsGame counters = PointsGame.create(ctx, rows, 0);
        LongAdder retries = new LongAdder();
        LongAdder conflicts = new LongAdder();
        AtomicInteger maxAttempts = new AtomicInteger(1);
        // 8 threads on one row: a unit may lose dozens of times in a row, so allow many attempts and
        // set no time cap; the report shows what was needed. Waits of a few ms let the winner of the
        // moment finish: shorter waits only add conflicts, and time, on a 2-core machine.
        RetryPolicy retry = RetryPolicy.builder()
                .withMaxAttempts(1000)
                .withBackoff(Duration.ofMillis(3), Duration.ofMillis(30))
                .withJitter(1.0)
                .withMaxDuration(null)
                .onRetry(event -> {
                    retries.increment();
                    if (event.cause() instanceof ConflictException) {
                        conflicts.increment();
                    }
                    maxAttempts.accumulateAndGet(event.attempt() + 1, Math::max);
                })
                .build();

        long start = System.nanoTime();
        List<Map<Integer, Integer>> done = Race.run("counter-occ-" + rows, Race.THREADS, worker -> {
            Map<Integer, Integer> mine = new TreeMap<>();
            Random random = new Random(worker);
            try (Race.Session session = race.session(Race.WORKER_APPLICATION)) {
                for (int i = 0; i < Race.INCREMENTS; i++) {
                    int id = counters.players.get(random.nextInt(rows));
                    retry.transaction(session.ctx(), cfg -> increment(cfg, id));
                    mine.merge(id, 1, Integer::sum);
                }
            }
            return mine;
        });
        Run run = new Run(merge(counters.initial, done), retries.intValue(), conflicts.intValue(), maxAttempts.get(),
                Race.millisSince(start));

        int expected = Race.THREADS * Race.INCREMENTS;
        int sum = counters.sum(ctx);
        Race.report("counter with occ, K=%d: %d threads x %d increments = %d, sum %d; %d conflicts, %d retries, "
                + "at most %d attempts for one increment, %d ms", rows, Race.THREADS, Race.INCREMENTS, expected, sum,
                run.conflicts(), run.retries(), run.maxAttempts(), run.millis());
        assertEquals(expected, sum, "increments were lost (or made twice) despite the optimistic lock");
        assertEquals(run.perRow(), counters.balances(ctx), "each row holds exactly the increments made on it");
        assertEquals(run.retries(), run.conflicts(), "under READ COMMITTED every retry is an occ conflict");
        if (rows == 1) {
            assertTrue(run.conflicts() > 0, "8 threads on one row never conflicted: the race did not happen");
        }
    }

    @ParameterizedTest(name = "K = {0}")
    @ValueSource(ints = {1, 100})
    void plainReadThenWriteLosesIncrements(int rows) {
        PointsGame counters = PointsGame.create(ctx, rows, 0);
        // K = 100 spreads 8 threads over 100 rows: a lost update needs two threads on one row within
        // one round trip, which is rarer; run again (a few times at most) until one is seen.
        int expected = Race.THREADS * Race.INCREMENTS;
        int lost = 0;
        for (int round = 1; round <= 3 && lost == 0; round++) {
            int before = counters.sum(ctx);
            long start = System.nanoTime();
            Race.run("counter-plain-" + rows, Race.THREADS, worker -> {
                Random random = new Random(worker);
                try (Race.Session session = race.session(Race.WORKER_APPLICATION)) {
                    DSLContext own = session.ctx();
                    for (int i = 0; i < Race.INCREMENTS; i++) {
                        int id = counters.players.get(random.nextInt(rows));
                        int n = own.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id));
                        own.update(PLAYER).set(PLAYER.NUM_POINTS, n + 1).where(PLAYER.ID.eq(id)).execute();
                    }
                }
                return null;
            });
            int made = counters.sum(ctx) - before;
            lost = expected - made;
            Race.report("counter without occ, K=%d, round %d: %d increments made, sum grew by %d: %d lost, %d ms",
                    rows, round, expected, made, lost, Race.millisSince(start));
            assertTrue(made <= expected, "more increments than were made");
        }
        assertTrue(lost > 0, "read-then-write without a lock lost no update in 3 rounds of " + expected
                + " increments on " + rows + " row(s)");
    }

    private static Map<Integer, Integer> merge(Map<Integer, Integer> initial, List<Map<Integer, Integer>> perWorker) {
        Map<Integer, Integer> all = new TreeMap<>(initial);
        perWorker.forEach(m -> m.forEach((id, n) -> all.merge(id, n, Integer::sum)));
        return all;
    }
}
