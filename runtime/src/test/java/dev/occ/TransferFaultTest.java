package dev.occ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.PointsGame.Transfer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The points game while things go wrong: for {@link Race#FAULT_MILLIS} ms, {@link Race#THREADS}
 * threads make transfers under the {@linkplain RetryPolicy#defaults() default} retry policy while
 * one thread kills their database sessions at random ({@code pg_terminate_backend}) and another
 * interrupts them. Afterwards the total is exact, no transfer is half applied, and every failure a
 * caller saw was one of a few clear kinds.
 *
 * <p>A session killed during a commit leaves the caller not knowing whether the transfer committed.
 * So that the test can still tell exactly which transfers are in the data, each transfer also writes
 * a row into a test-only log table in its own transaction: the log holds exactly the committed
 * transfers, and the balances must equal the initial ones plus those.
 */
class TransferFaultTest {

    static final int INITIAL_POINTS = 20;
    static final int MAX_POINTS = 12;

    @RegisterExtension
    static final RaceExtension race = RaceExtension.withMainSession("occ-race-main");
    static final DSLContext ctx = race.ctx();

    @BeforeAll
    static void createLog() {
        PointsGame.createLog(ctx);
    }

    /** How a failed transfer reached its caller. */
    enum Failure {
        /** The retries ran out on conflicts: a {@link ConflictException} with its attempts. */
        CONFLICT,
        /** The thread was interrupted before a retry: the last failure, with the InterruptedException suppressed. */
        INTERRUPTED,
        /** The session was killed: a DataAccessException with SQLSTATE 57P01 or class 08; the outcome is unknown. */
        CONNECTION_LOST,
        /** The loser holds too few points: a DataAccessException with SQLSTATE 23514. */
        REFUSED,
        /** Anything else: the test fails. */
        OTHER
    }

    static Failure classify(Throwable e) {
        if (RetryPolicy.isRetryable(e)
                && Arrays.stream(e.getSuppressed()).anyMatch(InterruptedException.class::isInstance)) {
            return Failure.INTERRUPTED;
        }
        if (e instanceof ConflictException) {
            return Failure.CONFLICT;
        }
        if (e instanceof DataAccessException d && d.sqlState() != null) {
            String state = d.sqlState();
            if (state.equals("57P01") || state.startsWith("08")) {
                return Failure.CONNECTION_LOST;
            }
            if (state.equals("23514")) {
                return Failure.REFUSED;
            }
        }
        return Failure.OTHER;
    }

    /** What one transfer worker saw. */
    static final class Outcome {
        final List<Transfer> succeeded = new ArrayList<>();
        final List<Transfer> unknown = new ArrayList<>();
        final Map<Failure, Integer> failures = new EnumMap<>(Failure.class);
        final List<Throwable> other = new ArrayList<>();
        int interruptsAfterSuccess;
        int reconnects;
    }

    @Test
    void killedSessionsAndInterruptsLeaveEveryTransferWholeOrUndone() {
        PointsGame game = PointsGame.create(ctx, Race.PLAYERS, INITIAL_POINTS);
        LongAdder retries = new LongAdder();
        RetryPolicy retry = RetryPolicy.builder().onRetry(event -> retries.increment()).build(); // the defaults
        AtomicLong ids = new AtomicLong();
        AtomicReferenceArray<Thread> workers = new AtomicReferenceArray<>(Race.THREADS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Race.FAULT_MILLIS);
        PointsGame.Watcher watcher = game.new Watcher();
        int killer = Race.THREADS;
        int interrupter = Race.THREADS + 1;
        int watching = Race.THREADS + 2;

        long start = System.nanoTime();
        List<Object> results = Race.run("faults", Race.THREADS + 3, worker -> {
            if (worker == killer) {
                return kill(deadline);
            }
            if (worker == interrupter) {
                return interrupt(workers, deadline);
            }
            if (worker == watching) {
                try (Race.Session session = race.session("occ-race-watcher")) {
                    return watcher.watch(session.ctx(), deadline);
                }
            }
            workers.set(worker, Thread.currentThread());
            Outcome outcome = new Outcome();
            Random random = new Random(worker);
            Race.Session session = open();
            try {
                while (System.nanoTime() < deadline) {
                    Transfer t = game.randomTransfer(ids.incrementAndGet(), random, MAX_POINTS);
                    try {
                        retry.transaction(session.ctx(), cfg -> {
                            PointsGame.transfer(cfg, t);
                            PointsGame.log(cfg, t);
                        });
                        outcome.succeeded.add(t);
                        if (Thread.interrupted()) {
                            outcome.interruptsAfterSuccess++; // it came while a statement ran: nothing to stop
                        }
                    } catch (RuntimeException e) {
                        Failure kind = classify(e);
                        outcome.failures.merge(kind, 1, Integer::sum);
                        Thread.interrupted(); // the worker was told; it goes on with the next transfer
                        if (kind == Failure.OTHER) {
                            outcome.other.add(e);
                        }
                        if (kind == Failure.CONNECTION_LOST || kind == Failure.OTHER) {
                            outcome.unknown.add(t);
                            session.close();
                            session = open();
                            outcome.reconnects++;
                        }
                    }
                }
            } finally {
                workers.set(worker, null);
                session.close();
                Thread.interrupted();
            }
            return outcome;
        });
        watcher.stop();
        long millis = Race.millisSince(start);

        List<Transfer> succeeded = new ArrayList<>();
        List<Transfer> unknown = new ArrayList<>();
        Map<Failure, Integer> failures = new EnumMap<>(Failure.class);
        List<Throwable> other = new ArrayList<>();
        int interruptsAfterSuccess = 0;
        int reconnects = 0;
        for (Object result : results.subList(0, Race.THREADS)) {
            Outcome o = (Outcome) result;
            succeeded.addAll(o.succeeded);
            unknown.addAll(o.unknown);
            o.failures.forEach((k, n) -> failures.merge(k, n, Integer::sum));
            other.addAll(o.other);
            interruptsAfterSuccess += o.interruptsAfterSuccess;
            reconnects += o.reconnects;
        }
        long kills = (Long) results.get(killer);
        long interrupts = (Long) results.get(interrupter);
        Map<Long, Transfer> logged = PointsGame.logged(ctx);
        Set<Long> succeededIds = succeeded.stream().map(Transfer::id).collect(Collectors.toSet());
        Set<Long> unknownIds = unknown.stream().map(Transfer::id).collect(Collectors.toSet());
        long unknownCommitted = logged.keySet().stream().filter(unknownIds::contains).count();

        Race.report("faults for %d ms, %d threads, %d players: %d sessions killed, %d interrupts sent; %d transfers "
                + "succeeded, failures seen by callers %s, %d of the %d with unknown outcome had committed, "
                + "%d interrupts came while a transfer succeeded, %d reconnects, %d retries; total checked %d times",
                millis, Race.THREADS, Race.PLAYERS, kills, interrupts, succeeded.size(), failures, unknownCommitted,
                unknown.size(), interruptsAfterSuccess, reconnects, retries.sum(), watcher.samples);
        other.forEach(e -> {
            System.out.println("[occ race] unexpected failure:");
            e.printStackTrace(System.out);
        });

        assertEquals(List.of(), other.stream().map(String::valueOf).toList(),
                "callers saw failures that are none of: conflict, interruption, connection lost, refused");
        assertEquals(List.of(), watcher.wrongSums, "a concurrent reader saw the total change");
        Set<Long> missing = new HashSet<>(succeededIds);
        missing.removeAll(logged.keySet());
        assertEquals(Set.of(), missing, "transfers that reported success are not in the data");
        Set<Long> unexplained = new HashSet<>(logged.keySet());
        unexplained.removeAll(succeededIds);
        unexplained.removeAll(unknownIds);
        assertEquals(Set.of(), unexplained, "transfers committed although their callers saw them fail cleanly");
        game.assertBalances(ctx, logged.values(), "after faults");
        assertTrue(kills > 0, "no session was killed");
        assertTrue(failures.getOrDefault(Failure.CONNECTION_LOST, 0) > 0, "no caller saw a killed session");
        assertTrue(interrupts > 0, "no thread was interrupted");
        assertTrue(succeeded.size() > 0, "no transfer succeeded");
    }

    private static Race.Session open() {
        for (int attempt = 1; ; attempt++) {
            try {
                return race.session(Race.WORKER_APPLICATION);
            } catch (RuntimeException e) {
                // the killer may kill a session while it is being set up
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** Kills a random worker session every 5 to 40 ms until the deadline; returns how many it killed. */
    private static long kill(long deadline) throws InterruptedException {
        long killed = 0;
        try (Race.Session session = race.session("occ-race-killer")) {
            while (System.nanoTime() < deadline) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(5, 40));
                Boolean done = session.ctx()
                        .select(DSL.field("pg_terminate_backend(pid)", Boolean.class))
                        .from(DSL.table("pg_stat_activity"))
                        .where(DSL.field("datname").eq(DSL.field("current_database()")))
                        .and(DSL.field("application_name").eq(Race.WORKER_APPLICATION))
                        .orderBy(DSL.rand())
                        .limit(1)
                        .fetchOne(0, Boolean.class);
                if (Boolean.TRUE.equals(done)) {
                    killed++;
                }
            }
        }
        return killed;
    }

    /** Interrupts a random worker thread every 2 to 20 ms until the deadline; returns how many interrupts it sent. */
    private static long interrupt(AtomicReferenceArray<Thread> workers, long deadline) throws InterruptedException {
        long sent = 0;
        while (System.nanoTime() < deadline) {
            Thread.sleep(ThreadLocalRandom.current().nextInt(2, 20));
            Thread target = workers.get(ThreadLocalRandom.current().nextInt(workers.length()));
            if (target != null) {
                target.interrupt();
                sent++;
            }
        }
        return sent;
    }
}
