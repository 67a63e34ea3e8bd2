package dev.occ.benchmarks;

import dev.occ.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs every scenario and rewrites {@code RESULTS.md} and {@code contention.png} in the working
 * directory (the module's directory under {@code mvn exec:exec -pl benchmarks}).
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; mvn -B -q exec:exec -pl benchmarks
 * </pre>
 *
 * Arguments ({@code -Dbench.args=...}): {@code quick} runs every scenario briefly and writes to
 * {@code target/} instead (a check of the harness, not a measurement); {@code skip-jmh} leaves out
 * scenario 4. Scenario 1b, real statements (the realistic update, {@code RETURNING}, Spring Boot's
 * exception translator, each against a raw JDBC partner doing the same work), runs right after
 * scenario 1. Scenario 5, the work queue, runs last: its index and rows are gone when it ends.
 */
public final class Main {

    /** The contenders of scenario 1, raw JDBC first (the floor every ratio refers to). */
    static final List<SingleRow.Kind> SINGLE_ROW = List.of(
            new SingleRow.Kind("raw JDBC", RawJdbc::new, true),
            new SingleRow.Kind("raw JDBC, prepareStatement per update", RawJdbcPerCall::new, true),
            new SingleRow.Kind("jOOQ DSL", JooqDsl::new, true),
            new SingleRow.Kind("jOOQ UpdatableRecord.store()", JooqRecord::new, true),
            new SingleRow.Kind("Hibernate @Version", HibernateVersion::new, false),
            new SingleRow.Kind("occ DSL, direct execution off", OccDsl::throughJooq, true),
            new SingleRow.Kind("occ DSL", OccDsl::new, true));

    /** Scenario 1b (a): the realistic update of {@code account}. */
    static final String REALISTIC_RAW = "(a) raw JDBC, realistic update";
    static final String REALISTIC_JOOQ = "(a) jOOQ DSL, realistic update";
    static final String REALISTIC_OCC = "(a) occ DSL, realistic update";
    /** Scenario 1b (b): the new version returned. */
    static final String RETURNING_RAW = "(b) raw JDBC, UPDATE .. RETURNING version";
    static final String RETURNING_JOOQ = "(b) jOOQ DSL, returning(VERSION)";
    static final String RETURNING_OCC = "(b) occ DSL, returning(VERSION)";
    /** Scenario 1b (c): scenario 1's update under Spring Boot's exception translator. */
    static final String SPRING_RAW = "(c) raw JDBC";
    static final String SPRING_JOOQ = "(c) jOOQ DSL, Spring Boot exception translator";
    static final String SPRING_OCC = "(c) occ DSL, Spring Boot exception translator";

    /**
     * The contenders of scenario 1b, real statements: per statement the raw JDBC partner that does
     * the same work (the floor of that statement's ratios), plain jOOQ (the anchor) and occ.
     */
    static final List<SingleRow.Kind> REAL_STATEMENTS = List.of(
            new SingleRow.Kind(REALISTIC_RAW, Realistic.RawRealistic::new, true, REALISTIC_RAW, REALISTIC_JOOQ),
            new SingleRow.Kind(REALISTIC_JOOQ, Realistic.JooqRealistic::new, true, REALISTIC_RAW, REALISTIC_JOOQ),
            new SingleRow.Kind("(a) occ DSL, realistic update, direct execution off",
                    Realistic.OccRealistic::throughJooq, true, REALISTIC_RAW, REALISTIC_JOOQ),
            new SingleRow.Kind(REALISTIC_OCC, Realistic.OccRealistic::new, true, REALISTIC_RAW, REALISTIC_JOOQ),
            new SingleRow.Kind(RETURNING_RAW, Returning.RawReturning::new, true, RETURNING_RAW, RETURNING_JOOQ),
            new SingleRow.Kind(RETURNING_JOOQ, Returning.JooqReturning::new, true, RETURNING_RAW, RETURNING_JOOQ),
            new SingleRow.Kind(RETURNING_OCC, Returning.OccReturning::new, true, RETURNING_RAW, RETURNING_JOOQ),
            new SingleRow.Kind(SPRING_RAW, RawJdbc::new, true, SPRING_RAW, SPRING_JOOQ),
            new SingleRow.Kind(SPRING_JOOQ, SpringTranslated.JooqSpring::new, true, SPRING_RAW, SPRING_JOOQ),
            new SingleRow.Kind(SPRING_OCC, SpringTranslated.OccSpring::new, true, SPRING_RAW, SPRING_JOOQ));

    /**
     * A goal of occ#15 that scenario 1b measures: {@code contender}'s time per update at most
     * {@code atMost} times its raw JDBC partner's (median of the paired rounds, autocommit,
     * {@code synchronous_commit = off}).
     */
    record Goal(String what, String contender, double atMost) {
    }

    static final List<Goal> REAL_STATEMENT_GOALS = List.of(
            new Goal("(a) the realistic update: bind values, `balance = balance + ?`, `updated_at = current_timestamp`",
                    REALISTIC_OCC, 1.05),
            new Goal("(b) `.returning()` of the new version, against `UPDATE .. RETURNING`", RETURNING_OCC, 1.10),
            new Goal("(c) under Spring Boot's jOOQ defaults (its exception translator listener)", SPRING_OCC, 1.10));

    /**
     * occ#15's goal for the bytes allocated per locked update: JMH's GC profiler on the mock
     * connection ({@link RenderBenchmark}), {@code benchmark} beside raw JDBC's {@code rawBenchmark}.
     */
    record AllocationGoal(String benchmark, String rawBenchmark) {
    }

    static final List<AllocationGoal> ALLOCATION_GOALS = List.of(
            new AllocationGoal("occExecuteMock", "rawJdbcMock"),
            new AllocationGoal("occRealisticExecuteMock", "rawJdbcRealisticMock"),
            new AllocationGoal("occReturningExecuteMock", "rawJdbcReturningMock"));
    static final double ALLOCATION_GOAL_BYTES = 1536;

    /** Scenario 2: occ's success and failure, and the failures of plain jOOQ and raw JDBC. */
    static final List<SingleRow.Kind> FAILURE_PATH = List.of(
            new SingleRow.Kind("raw JDBC, conflict (count 0)", Conflicting.RawConflict::new, true),
            new SingleRow.Kind("jOOQ DSL, conflict (count 0, no diagnosis)", Conflicting.JooqConflict::new, true),
            new SingleRow.Kind("occ DSL, success", OccDsl::new, true),
            new SingleRow.Kind("occ DSL, conflict (diagnosed)", Conflicting.OccConflict::new, true));

    static final List<Integer> THREADS = List.of(1, 2, 4, 8);
    static final List<Integer> HOT_ROWS = List.of(1, 10, 1000);

    /** The retry policy of the optimistic strategy in the contention sweep. */
    static final String RETRY_DESCRIPTION = "RetryPolicy.builder().withMaxAttempts(100)"
            + ".withBackoff(Duration.ofMillis(1), Duration.ofMillis(50)).withMaxDuration(Duration.ofSeconds(10))"
            + " (jitter 0.5, the default)";
    static final Supplier<RetryPolicy.Builder> RETRY = () -> RetryPolicy.builder()
            .withMaxAttempts(100)
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(50))
            .withMaxDuration(Duration.ofSeconds(10));

    /** How long each part runs. */
    record Plan(boolean quick, int warmUpOps, int rounds, int batchSyncOn, int batchSyncOff, int countOps,
            int failureWarmUpOps, int failureRounds, int failureBatch, Duration contentionRun,
            int contentionRepetitions, Duration contentionWarmUp, int queueRows, int queueRepetitions,
            int realWarmUpOps, int realRounds, int realBatchSyncOn, int realBatchSyncOff) {

        static final Plan FULL = new Plan(false, 20_000, 80, 75, 150, 200, 5_000, 40, 125,
                Duration.ofMillis(500), 7, Duration.ofMillis(1000), 10_000, 3, 5_000, 40, 60, 100);
        static final Plan QUICK = new Plan(true, 300, 3, 30, 50, 50, 100, 2, 30,
                Duration.ofMillis(200), 1, Duration.ofMillis(100), 400, 1, 300, 3, 30, 50);
    }

    /** Everything one run measured. */
    record Results(Plan plan, List<Jmh.Score> jmh, List<SingleRow.Table> singleRow,
            List<StatementCount.Count> counts, List<SingleRow.Table> realStatements,
            List<StatementCount.Count> realCounts, SpringTranslated.Check springCheck,
            List<SingleRow.Table> failurePath,
            List<StatementCount.Count> failureCounts, Contention contention, List<Contention.Cell> cells,
            QueueThroughput queue, List<QueueThroughput.Cell> queueCells, Batches.Summary batches,
            String serverVersion, java.util.Map<String, String> serverSettings, boolean serverStatistics,
            String loadBefore, String loadAfter) {

        boolean lostUpdate() {
            return cells.stream().anyMatch(Contention.Cell::lostUpdate);
        }

        /** Whether a run of the work queue lost or doubled a row. */
        boolean queueNotExactlyOnce() {
            return queueCells.stream().anyMatch(c -> !c.exactlyOnce());
        }

        QueueThroughput.Cell queueCell(QueueThroughput.Strategy s, int workers) {
            return queueCells.stream().filter(c -> c.strategy() == s && c.workers() == workers).findFirst()
                    .orElse(null);
        }

        Contention.Cell cell(Contention.Strategy s, int hot, int threads) {
            return cells.stream().filter(c -> c.strategy() == s && c.hotRows() == hot && c.threads() == threads)
                    .findFirst().orElse(null);
        }
    }

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.stream(args).filter(a -> !a.isBlank()).map(a -> a.replaceFirst("^--", ""))
                .toList();
        Plan plan = arguments.contains("quick") ? Plan.QUICK : Plan.FULL;
        boolean jmh = !arguments.contains("skip-jmh");
        Path dir = plan.quick() ? Path.of("target") : Path.of(".");
        System.setProperty("java.awt.headless", "true");
        Instant started = Instant.now();

        Results results = run(plan, jmh, true);

        Duration took = Duration.between(started, Instant.now());
        Report.write(results, dir.resolve("RESULTS.md"), took);
        ContentionChart.write(results.cells(), HOT_ROWS, THREADS, Runtime.getRuntime().availableProcessors()
                + " cores, synchronous_commit = " + (results.contention().synchronousCommit() ? "on" : "off"),
                dir.resolve("contention.png"));
        Batches.chart(results.batches(), Runtime.getRuntime().availableProcessors() + " cores, one connection, "
                + "synchronous_commit = on", dir.resolve("batch.png"));
        System.out.println("occ-benchmarks: wrote " + dir.resolve("RESULTS.md").toAbsolutePath().normalize()
                + ", contention.png and batch.png in " + took.toSeconds() + " s");
        if (results.lostUpdate()) {
            System.err.println("occ-benchmarks: LOST UPDATE in the contention sweep; see RESULTS.md");
            System.exit(1);
        }
        if (results.queueNotExactlyOnce()) {
            System.err.println("occ-benchmarks: the work queue did NOT process every row exactly once; see RESULTS.md");
            System.exit(1);
        }
        System.exit(0);
    }

    /**
     * Runs every scenario.
     *
     * @param durable fsync on (the benchmark) or off (the smoke test)
     */
    static Results run(Plan plan, boolean jmh, boolean durable) throws Exception {
        String loadBefore = loadAverage();
        // 4. first, on a quiet machine: no database needed
        List<Jmh.Score> scores = jmh ? Jmh.run(plan.quick()) : List.of();

        log("starting PostgreSQL");
        BenchDatabase db = BenchDatabase.start(durable);
        log("database " + db);

        // 1. single-row locked update
        List<SingleRow.Table> tables = new ArrayList<>();
        SingleRow single = new SingleRow(db, SINGLE_ROW, 0);
        log("warm-up: " + plan.warmUpOps() + " updates per contender");
        single.warmUp(plan.warmUpOps(), false);
        for (boolean transactional : new boolean[] { false, true }) {
            for (boolean sync : new boolean[] { true, false }) {
                String title = (transactional ? "one explicit transaction per update" : "autocommit")
                        + ", synchronous_commit = " + (sync ? "on" : "off");
                log("single row: " + title);
                int batch = sync ? plan.batchSyncOn() : plan.batchSyncOff();
                tables.add(single.measure(title, transactional, sync, plan.rounds(), batch, false));
            }
        }
        single.close();
        db.vacuum();

        // 1b. real statements: their own slots, after those of scenario 1's counts and the failure path
        int realSlot = 2 * SINGLE_ROW.size() + FAILURE_PATH.size();
        SpringTranslated.Check springCheck;
        try (java.sql.Connection c = db.connect()) {
            int row = BenchDatabase.slot(realSlot + indexOf(REAL_STATEMENTS, SPRING_OCC))[0];
            springCheck = SpringTranslated.check(c, row);
        }
        log("real statements: a failing occ update under Spring Boot's exception translator threw "
                + springCheck.exceptionClass() + " (SQL state " + springCheck.sqlState() + ")");
        SingleRow real = new SingleRow(db, REAL_STATEMENTS, realSlot);
        log("real statements: warm-up, " + plan.realWarmUpOps() + " updates per contender");
        real.warmUp(plan.realWarmUpOps(), false);
        List<SingleRow.Table> realTables = new ArrayList<>();
        for (boolean sync : new boolean[] { true, false }) {
            String title = "real statements, autocommit, synchronous_commit = " + (sync ? "on" : "off");
            log(title);
            realTables.add(real.measure(title, false, sync, plan.realRounds(),
                    sync ? plan.realBatchSyncOn() : plan.realBatchSyncOff(), false));
        }
        real.close();
        List<StatementCount.Count> realCounts = new ArrayList<>();
        for (int k = 0; k < REAL_STATEMENTS.size(); k++) {
            SingleRow.Kind kind = REAL_STATEMENTS.get(k);
            realCounts.add(StatementCount.count(db, kind.name(), kind.factory(), realSlot + k, false,
                    plan.countOps()));
        }
        db.vacuum();

        log("counting statements");
        List<StatementCount.Count> counts = new ArrayList<>();
        for (int k = 0; k < SINGLE_ROW.size(); k++) {
            SingleRow.Kind kind = SINGLE_ROW.get(k);
            for (boolean transactional : new boolean[] { false, true }) {
                if (!transactional && !kind.autocommit()) {
                    continue;
                }
                counts.add(StatementCount.count(db, kind.name(), kind.factory(), SINGLE_ROW.size() + k,
                        transactional, plan.countOps()));
            }
        }

        // 2. failure path
        log("failure path");
        int failureSlot = 2 * SINGLE_ROW.size();
        SingleRow failure = new SingleRow(db, FAILURE_PATH, failureSlot);
        failure.warmUp(plan.failureWarmUpOps(), false);
        List<SingleRow.Table> failureTables = new ArrayList<>();
        for (boolean sync : new boolean[] { true, false }) {
            failureTables.add(failure.measure("failure path, autocommit, synchronous_commit = " + (sync ? "on" : "off"),
                    false, sync,
                    plan.failureRounds(), plan.failureBatch(), false));
        }
        failure.close();
        List<StatementCount.Count> failureCounts = new ArrayList<>();
        for (int k = 0; k < FAILURE_PATH.size(); k++) {
            SingleRow.Kind kind = FAILURE_PATH.get(k);
            failureCounts.add(StatementCount.count(db, kind.name(), kind.factory(), failureSlot + k, false,
                    plan.countOps()));
        }
        db.vacuum();

        // 3. contention sweep
        Contention contention = new Contention(db, false, RETRY, RETRY_DESCRIPTION);
        log("contention: warm-up");
        for (Contention.Strategy s : Contention.Strategy.values()) {
            contention.run(s, 2, 10, plan.contentionWarmUp());
        }
        java.util.Map<String, List<Contention.Run>> runs = new java.util.LinkedHashMap<>();
        List<Contention.Strategy> strategies = List.of(Contention.Strategy.values());
        for (int rep = 0; rep < plan.contentionRepetitions(); rep++) {
            // the order within a cell rotates with each repetition, so that no strategy always runs
            // first or last (after the same neighbour) while the machine's load drifts
            List<Contention.Strategy> order = new ArrayList<>(strategies);
            java.util.Collections.rotate(order, -rep);
            for (int hot : HOT_ROWS) {
                for (int threads : THREADS) {
                    for (Contention.Strategy s : order) {
                        Contention.Run run = contention.run(s, threads, hot, plan.contentionRun());
                        log(String.format("contention: %-40s %d threads, %4d hot rows: %7.0f ops/s, %.3f retries/op,"
                                + " %d failed, %d escalated, sum %s", s.label, threads, hot, run.opsPerSecond(),
                                run.retriesPerOp(), run.failures(), run.escalations(), run.lostUpdate()
                                        ? "LOST UPDATE " + run.actualSum() + " != " + run.expectedSum() : "exact"));
                        runs.computeIfAbsent(s + "/" + hot + "/" + threads, k -> new ArrayList<>()).add(run);
                    }
                }
            }
        }
        List<Contention.Cell> cells = new ArrayList<>();
        for (List<Contention.Run> r : runs.values()) {
            Contention.Run first = r.get(0);
            cells.add(new Contention.Cell(first.strategy(), first.threads(), first.hotRows(), List.copyOf(r)));
        }
        db.vacuum();

        // 5. work queue throughput
        log("queue: seeding " + plan.queueRows() + " pending rows");
        long queueStarted = System.nanoTime();
        QueueThroughput queue = new QueueThroughput(db, plan.queueRows(), true);
        List<QueueThroughput.Cell> queueCells = new ArrayList<>();
        try {
            log("queue: warm-up");
            for (QueueThroughput.Strategy s : QueueThroughput.Strategy.values()) {
                QueueThroughput.Run run = queue.run(s, 2);
                if (!run.exactlyOnce()) {
                    // not a measurement, so not in the report: fail at once rather than measure a broken queue
                    throw new IllegalStateException("queue warm-up, " + s.label + ": " + run.check());
                }
            }
            java.util.Map<String, List<QueueThroughput.Run>> queueRuns = new java.util.LinkedHashMap<>();
            for (int rep = 0; rep < plan.queueRepetitions(); rep++) {
                for (int workers : THREADS) {
                    for (QueueThroughput.Strategy s : QueueThroughput.Strategy.values()) {
                        QueueThroughput.Run run = queue.run(s, workers);
                        log(String.format("queue: %-28s %d workers: %7.0f rows/s in %d chunks, %s", s.label, workers,
                                run.rowsPerSecond(), run.chunks(), run.check()));
                        queueRuns.computeIfAbsent(s + "/" + workers, k -> new ArrayList<>()).add(run);
                    }
                }
            }
            for (List<QueueThroughput.Run> r : queueRuns.values()) {
                queueCells.add(new QueueThroughput.Cell(r.get(0).strategy(), r.get(0).workers(), List.copyOf(r)));
            }
        } finally {
            queue.close();
        }
        log("queue: " + (System.nanoTime() - queueStarted) / 1_000_000_000 + " s");
        db.vacuum();

        // 6. batch jobs
        Batches.Summary batches = Batches.run(db, plan.quick());
        return new Results(plan, scores, tables, counts, realTables, realCounts, springCheck, failureTables,
                failureCounts, contention, cells, queue, queueCells, batches, db.serverVersion(), db.settings(), db.statementStatistics(), loadBefore, loadAverage());
    }

    private static int indexOf(List<SingleRow.Kind> kinds, String name) {
        for (int k = 0; k < kinds.size(); k++) {
            if (kinds.get(k).name().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** The load average of the last 1, 5 and 15 minutes: other work on the machine skews every number. */
    static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException | RuntimeException e) {
            return String.valueOf(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static void log(String message) {
        System.out.println("occ-benchmarks: " + message);
    }
}
