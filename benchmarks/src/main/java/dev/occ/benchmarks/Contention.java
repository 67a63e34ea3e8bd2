package dev.occ.benchmarks;

import static dev.occ.Occ.optimistic;
import static dev.occ.Occ.pessimistic;
import static dev.occ.benchmarks.db.Tables.RESOURCE;

import dev.occ.AdaptiveLocking;
import dev.occ.ConflictException;
import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import dev.occ.RetryPolicy;
import dev.occ.benchmarks.db.tables.records.ResourceRecord;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Scenario 3: {@code threads} threads, each on a connection of its own, add 1 to a counter
 * {@code n} (in {@code resource.data}) of a random one of {@code hotRows} rows, as fast as they can,
 * for a fixed time. Every strategy also moves the version on, so that all write the same. After the
 * run the counters must add up to the number of operations that reported success, exactly.
 */
final class Contention {

    enum Strategy {
        OPTIMISTIC("occ optimistic + RetryPolicy", "read n and version, then occ's locked UPDATE, in one transaction;"
                + " RetryPolicy re-runs the transaction on a conflict"),
        OPTIMISTIC_DEFAULTS("occ optimistic + RetryPolicy.defaults()", "the same with RetryPolicy.defaults(): 5 attempts,"
                + " backoff 5 ms .. 250 ms, jitter 0.5, at most 2 s"),
        PESSIMISTIC("pessimistic (SELECT .. FOR UPDATE)", "hand-written SELECT .. FOR UPDATE of n and version, then"
                + " UPDATE, in one transaction"),
        OCC_PESSIMISTIC("occ pessimistic", "occ's fetchLocked(.., pessimistic(RESOURCE)), then occ's UPDATE under"
                + " pessimistic(RESOURCE), which moves the version on, in one transaction"),
        INCREMENT("plain increment", "one UPDATE .. SET n = n + 1 (autocommit): no read, nothing to lock"),
        ADAPTIVE("occ adaptive + RetryPolicy", "occ's fetchOne(RESOURCE, RESOURCE.ID.eq(id), adaptive, RESOURCE.VERSION,"
                + " N), the same two columns as the first strategy reads, a plain read"
                + " while the row's key is cold and SELECT .. FOR UPDATE while it is escalated, then occ's locked UPDATE"
                + " under adaptive.optimistic(RESOURCE.VERSION, v), in one transaction; the same RetryPolicy as the first"
                + " strategy; a new Occ.adaptive(RESOURCE).build() (the defaults) for every run, so that each run"
                + " learns which keys are hot from nothing");

        final String label;
        final String description;

        Strategy(String label, String description) {
            this.label = label;
            this.description = description;
        }
    }

    /** The runs of one cell of the sweep (one per repetition). */
    record Cell(Strategy strategy, int threads, int hotRows, List<Run> runs) {

        Stats opsPerSecond() {
            return Stats.of(runs.stream().map(Run::opsPerSecond).toList());
        }

        double retriesPerOp() {
            long ops = runs.stream().mapToLong(Run::ops).sum();
            return ops == 0 ? 0 : (double) runs.stream().mapToLong(Run::retries).sum() / ops;
        }

        long failures() {
            return runs.stream().mapToLong(Run::failures).sum();
        }

        long ops() {
            return runs.stream().mapToLong(Run::ops).sum();
        }

        boolean lostUpdate() {
            return runs.stream().anyMatch(Run::lostUpdate);
        }

        /** @return the keys escalated per run, on average (adaptive only) */
        double escalationsPerRun() {
            return runs.stream().mapToLong(Run::escalations).average().orElse(0);
        }

        /** @return the median time from a run's start to its first escalation, NaN when none escalated */
        double firstEscalationMillis() {
            List<Double> times = runs.stream().map(Run::firstEscalationMillis).filter(t -> !Double.isNaN(t)).toList();
            return times.isEmpty() ? Double.NaN : Stats.of(times).median();
        }

        /**
         * This cell's throughput against another's, repetition by repetition (the runs of one
         * repetition ran seconds apart, so slow drifts of the machine's load cancel out).
         *
         * @return the median of the per-repetition ratios, less 1, in percent
         */
        double pairedPercent(Cell other) {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(runs.size(), other.runs.size()); i++) {
                ratios.add(runs.get(i).opsPerSecond() / other.runs.get(i).opsPerSecond());
            }
            return (Stats.of(ratios).median() - 1) * 100;
        }
    }

    /** One run; {@code failures} are operations that ran out of retries and reported so (no write). */
    record Run(Strategy strategy, int threads, int hotRows, double seconds, long ops, long retries, long failures,
            long expectedSum, long actualSum, long escalations, double firstEscalationMillis) {

        double opsPerSecond() {
            return ops / seconds;
        }

        double retriesPerOp() {
            return ops == 0 ? 0 : (double) retries / ops;
        }

        boolean lostUpdate() {
            return expectedSum != actualSum;
        }
    }

    /** {@code (data->>'n')::int}. */
    private static final Field<Integer> N = DSL.field("({0}->>'n')::int", Integer.class, RESOURCE.DATA);
    /** {@code jsonb_build_object('n', (data->>'n')::int + 1)}: the increment, done by the database. */
    private static final Field<JSONB> N_PLUS_ONE = DSL.field("jsonb_build_object('n', ({0}->>'n')::int + 1)",
            JSONB.class, RESOURCE.DATA);

    private final BenchDatabase db;
    private final boolean synchronousCommit;
    private final Supplier<RetryPolicy.Builder> retry;
    private final String retryDescription;

    /**
     * @param retry makes the builder of the optimistic strategy's retry policy, to which each thread
     *     adds its own counting listener
     */
    Contention(BenchDatabase db, boolean synchronousCommit, Supplier<RetryPolicy.Builder> retry,
            String retryDescription) {
        this.db = db;
        this.synchronousCommit = synchronousCommit;
        this.retry = retry;
        this.retryDescription = retryDescription;
    }

    boolean synchronousCommit() {
        return synchronousCommit;
    }

    String retryDescription() {
        return retryDescription;
    }

    Run run(Strategy strategy, int threads, int hotRows, Duration duration) throws Exception {
        int first = BenchDatabase.HOT_FIRST_ID;
        int last = first + hotRows - 1;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE resource SET data = '{\"n\": 0}' WHERE id BETWEEN " + first + " AND " + last);
            s.execute("VACUUM resource");
        }
        List<Worker> workers = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        LongAdder escalations = new LongAdder();
        AtomicLong firstEscalation = new AtomicLong();
        AdaptiveLocking<ResourceRecord> adaptive = Occ.adaptive(RESOURCE).onEscalate(e -> {
            escalations.increment();
            firstEscalation.compareAndSet(0, System.nanoTime());
        }).build();
        for (int t = 0; t < threads; t++) {
            workers.add(new Worker(strategy, first, hotRows, ready, go, adaptive));
        }
        workers.forEach(Thread::start);
        ready.await();
        long t0 = System.nanoTime();
        go.countDown();
        Thread.sleep(duration.toMillis());
        workers.forEach(w -> w.stop = true);
        for (Worker w : workers) {
            w.join();
        }
        long t1 = System.nanoTime();
        long ops = 0;
        long retries = 0;
        long failures = 0;
        for (Worker w : workers) {
            if (w.failure.get() != null) {
                throw new IllegalStateException(strategy.label + " failed: " + w.failure.get(), w.failure.get());
            }
            ops += w.ops;
            retries += w.retries;
            failures += w.failures;
        }
        long sum = db.queryLong("SELECT coalesce(sum((data->>'n')::bigint), 0) FROM resource WHERE id BETWEEN ? AND ?",
                first, last);
        long escalated = firstEscalation.get();
        return new Run(strategy, threads, hotRows, (t1 - t0) / 1e9, ops, retries, failures, ops, sum,
                escalations.sum(), escalated == 0 ? Double.NaN : Math.max(0, escalated - t0) / 1e6);
    }

    private final class Worker extends Thread {
        final Strategy strategy;
        final int first;
        final int hotRows;
        final CountDownLatch ready;
        final CountDownLatch go;
        final AdaptiveLocking<ResourceRecord> adaptive;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean stop;
        long ops;
        long retries;
        long failures;

        Worker(Strategy strategy, int first, int hotRows, CountDownLatch ready, CountDownLatch go,
                AdaptiveLocking<ResourceRecord> adaptive) {
            super("contention-" + strategy.name().toLowerCase());
            this.strategy = strategy;
            this.first = first;
            this.hotRows = hotRows;
            this.ready = ready;
            this.go = go;
            this.adaptive = adaptive;
        }

        @Override
        public void run() {
            try (Connection c = db.connect()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET synchronous_commit = " + (synchronousCommit ? "on" : "off"));
                }
                DSLContext ctx = DSL.using(c, SQLDialect.POSTGRES);
                RetryPolicy policy = (strategy == Strategy.OPTIMISTIC_DEFAULTS ? RetryPolicy.builder() : retry.get())
                        .onRetry(e -> retries++).build();
                ready.countDown();
                go.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop) {
                    int id = first + random.nextInt(hotRows);
                    switch (strategy) {
                        case OPTIMISTIC, OPTIMISTIC_DEFAULTS -> {
                            try {
                                policy.transaction(ctx, cfg -> {
                                    Record2<Integer, Integer> row = cfg.dsl().select(RESOURCE.VERSION, N)
                                            .from(RESOURCE).where(RESOURCE.ID.eq(id)).fetchSingle();
                                    Occ.using(cfg).update(RESOURCE)
                                            .set(RESOURCE.DATA, counter(row.value2() + 1))
                                            .where(RESOURCE.ID.eq(id))
                                            .lockingPolicy(optimistic(RESOURCE.VERSION, row.value1()))
                                            .execute();
                                });
                                ops++;
                            } catch (ConflictException exhausted) {
                                failures++;
                            }
                        }
                        case PESSIMISTIC -> {
                            ctx.transaction(cfg -> {
                                Record2<Integer, Integer> row = cfg.dsl().select(RESOURCE.VERSION, N)
                                        .from(RESOURCE).where(RESOURCE.ID.eq(id)).forUpdate().fetchSingle();
                                cfg.dsl().update(RESOURCE)
                                        .set(RESOURCE.DATA, counter(row.value2() + 1))
                                        .set(RESOURCE.VERSION, RESOURCE.VERSION.plus(1))
                                        .where(RESOURCE.ID.eq(id))
                                        .execute();
                            });
                            ops++;
                        }
                        case OCC_PESSIMISTIC -> {
                            ctx.transaction(cfg -> {
                                LockingDSLContext db = Occ.using(cfg);
                                // the locked read is the whole row: n is read from its document, {"n": 123}
                                String data = db.fetchLocked(RESOURCE, RESOURCE.ID.eq(id), pessimistic(RESOURCE))
                                        .get(0).getData().data();
                                int n = Integer.parseInt(data.replaceAll("[^0-9]", ""));
                                db.update(RESOURCE)
                                        .set(RESOURCE.DATA, counter(n + 1))
                                        .where(RESOURCE.ID.eq(id))
                                        .lockingPolicy(pessimistic(RESOURCE))
                                        .execute();
                            });
                            ops++;
                        }
                        case ADAPTIVE -> {
                            try {
                                policy.transaction(ctx, cfg -> {
                                    LockingDSLContext db = Occ.using(cfg);
                                    Record row = db.fetchOne(RESOURCE, RESOURCE.ID.eq(id), adaptive,
                                            RESOURCE.VERSION, N);
                                    db.update(RESOURCE)
                                            .set(RESOURCE.DATA, counter(row.get(N) + 1))
                                            .where(RESOURCE.ID.eq(id))
                                            .lockingPolicy(adaptive.optimistic(RESOURCE.VERSION, row.get(RESOURCE.VERSION)))
                                            .execute();
                                });
                                ops++;
                            } catch (ConflictException exhausted) {
                                failures++;
                            }
                        }
                        case INCREMENT -> {
                            int updated = ctx.update(RESOURCE)
                                    .set(RESOURCE.DATA, N_PLUS_ONE)
                                    .set(RESOURCE.VERSION, RESOURCE.VERSION.plus(1))
                                    .where(RESOURCE.ID.eq(id))
                                    .execute();
                            Contender.expectOne(updated, strategy.label);
                            ops++;
                        }
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
                ready.countDown();
            }
        }
    }

    private static JSONB counter(int n) {
        return JSONB.valueOf("{\"n\": " + n + "}");
    }
}
