package dev.occ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.PointsGame.Transfer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The feature request's points game under contention: {@link Race#THREADS} threads each make
 * {@link Race#TRANSFERS} transfers of random points between random players of
 * {@link Race#PLAYERS}, each transfer one unit of work re-run by a {@link RetryPolicy}. The total
 * never changes (also as seen by a concurrent reader), no balance goes below zero (a transfer that
 * would is refused whole), and the balances are exactly the initial ones plus the transfers that
 * reported success.
 */
class TransferRaceTest {

    /** Each player's points at the start; transfers move 1 to {@value #MAX_POINTS} points. */
    static final int INITIAL_POINTS = 20;
    static final int MAX_POINTS = 12;

    @RegisterExtension
    static final RaceExtension race = RaceExtension.withMainSession("occ-race-main");
    static final DSLContext ctx = race.ctx();

    /** What one worker saw. */
    record Outcome(List<Transfer> succeeded, int refused, int refusedAfterCredit) {
    }

    /** The retries one run's policy made, by cause. */
    static final class Retries {
        final LongAdder conflicts = new LongAdder();
        final LongAdder serializationFailures = new LongAdder();
        final LongAdder deadlocks = new LongAdder();
        final LongAdder other = new LongAdder();

        void count(RetryEvent event) {
            String state = event.cause() instanceof DataAccessException d ? d.sqlState() : null;
            if (event.cause() instanceof ConflictException) {
                conflicts.increment();
            } else if ("40001".equals(state)) {
                serializationFailures.increment();
            } else if ("40P01".equals(state)) {
                deadlocks.increment();
            } else {
                other.increment();
            }
        }

        long total() {
            return conflicts.sum() + serializationFailures.sum() + deadlocks.sum() + other.sum();
        }

        @Override
        public String toString() {
            return total() + " retries (" + conflicts + " occ conflicts, " + serializationFailures + " serialization "
                    + "failures 40001, " + deadlocks + " deadlocks 40P01)";
        }
    }

    @Test
    void transfersUnderReadCommittedKeepEveryPoint() {
        Retries retries = play("read-committed", null);
        assertTrue(retries.conflicts.sum() > 0, "no transfer ever conflicted: the race did not happen");
        assertEquals(0, retries.serializationFailures.sum() + retries.deadlocks.sum() + retries.other.sum(),
                "under READ COMMITTED with updates in id order, only occ conflicts are expected: " + retries);
    }

    @Test
    void transfersUnderSerializableKeepEveryPoint() {
        Retries retries = play("serializable", RetryPolicy.Isolation.SERIALIZABLE);
        assertTrue(retries.serializationFailures.sum() > 0,
                "no transfer ever failed with 40001 under SERIALIZABLE: the race did not happen; " + retries);
    }

    private Retries play(String name, RetryPolicy.Isolation isolation) {
        PointsGame game = PointsGame.create(ctx, Race.PLAYERS, INITIAL_POINTS);
        Retries retries = new Retries();
        RetryPolicy retry = RetryPolicy.builder()
                .withMaxAttempts(1000)
                .withBackoff(Duration.ofNanos(200_000), Duration.ofMillis(10))
                .withJitter(1.0)
                .withMaxDuration(null)
                .withIsolation(isolation)
                .onRetry(retries::count)
                .build();
        PointsGame.Watcher watcher = game.new Watcher();

        long start = System.nanoTime();
        List<Object> results = Race.run("transfers-" + name, Race.THREADS + 1, worker -> {
            if (worker == Race.THREADS) {
                try (Race.Session session = race.session("occ-race-watcher")) {
                    return watcher.watch(session.ctx());
                }
            }
            try (Race.Session session = race.session(Race.WORKER_APPLICATION)) {
                Random random = new Random(worker);
                List<Transfer> succeeded = new ArrayList<>();
                int refused = 0;
                int refusedAfterCredit = 0;
                for (int i = 0; i < Race.TRANSFERS; i++) {
                    Transfer t = game.randomTransfer((long) worker * Race.TRANSFERS + i, random, MAX_POINTS);
                    try {
                        retry.transaction(session.ctx(), cfg -> PointsGame.transfer(cfg, t));
                        succeeded.add(t);
                    } catch (DataAccessException e) {
                        if (!PointsGame.isRefusal(e)) {
                            throw e;
                        }
                        refused++;
                        if (t.from() > t.to()) {
                            refusedAfterCredit++; // the winner's update ran first and was rolled back
                        }
                    }
                }
                return new Outcome(succeeded, refused, refusedAfterCredit);
            } finally {
                if (worker == 0) {
                    // the watcher stops when the first worker is done; the others are still at it
                    watcher.stop();
                }
            }
        });
        watcher.stop();

        List<Transfer> succeeded = new ArrayList<>();
        int refused = 0;
        int refusedAfterCredit = 0;
        for (Object result : results) {
            if (result instanceof Outcome o) {
                succeeded.addAll(o.succeeded());
                refused += o.refused();
                refusedAfterCredit += o.refusedAfterCredit();
            }
        }
        Race.report("transfers, %s: %d threads x %d transfers among %d players: %d succeeded, %d refused for want "
                + "of points (%d after the winner was credited); %s; total checked %d times while running; %d ms",
                name, Race.THREADS, Race.TRANSFERS, Race.PLAYERS, succeeded.size(), refused, refusedAfterCredit,
                retries, watcher.samples, Race.millisSince(start));

        assertEquals(List.of(), watcher.wrongSums, "a concurrent reader saw the total change");
        assertTrue(watcher.samples > 0, "the watcher never summed the points");
        assertEquals(Race.THREADS * Race.TRANSFERS, succeeded.size() + refused,
                "every transfer either succeeded or was refused");
        game.assertBalances(ctx, succeeded, name);
        assertTrue(refusedAfterCredit > 0, "no transfer was refused after its winner had been credited, so the "
                + "rollback of a half-done transfer was not exercised (" + refused + " refused in all)");
        assertEquals(0, retries.other.sum(), "retries for causes other than conflicts, 40001, 40P01: " + retries);
        return retries;
    }
}
