package dev.occ.benchmarks;

import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 1 (and the timing half of scenario 2): contenders updating their own rows of the same
 * table, one at a time, in interleaved rounds. Each round times one batch of every contender, in an
 * order that rotates from round to round, so that drift (autovacuum, WAL, the other core's load)
 * hits all of them alike. Per batch: operations per second, bytes allocated and CPU time used by
 * the calling thread, per operation.
 */
final class SingleRow {

    /**
     * A way to update, and whether it runs in autocommit mode. {@code partner} names the raw JDBC
     * contender that does the same work and {@code anchor} the jOOQ DSL contender of the same
     * statement (scenario 1b); {@code null}: the table's first row and its {@code "jOOQ DSL"} row.
     */
    record Kind(String name, ContenderFactory factory, boolean autocommit, String partner, String anchor) {

        Kind(String name, ContenderFactory factory, boolean autocommit) {
            this(name, factory, autocommit, null, null);
        }
    }

    record Sample(double opsPerSecond, double bytesPerOp, double cpuMicrosPerOp) {
    }

    /** One contender's results in one table, with its per-round throughput for paired ratios. */
    record Row(String name, double[] rounds, Stats opsPerSecond, Stats bytesPerOp, Stats cpuMicrosPerOp,
            String partner, String anchor) {

        /**
         * This contender's time per update as a multiple of {@code other}'s, paired round by round:
         * {@code other's ops/s / this ops/s} in each round.
         */
        Stats timeRatioTo(Row other) {
            double[] ratio = new double[rounds.length];
            for (int r = 0; r < rounds.length; r++) {
                ratio[r] = other.rounds[r] / rounds[r];
            }
            return Stats.of(ratio);
        }
    }

    record Table(String title, boolean transactional, boolean synchronousCommit, int rounds, int batch,
            List<Row> rows) {

        Row row(String name) {
            return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
        }

        /** The raw JDBC row {@code row}'s time is divided by: its partner, or the table's first row. */
        Row partner(Row row) {
            return row.partner() == null ? rows.get(0) : row(row.partner());
        }

        /** The jOOQ DSL row {@code row}'s time is divided by: its anchor, or the table's {@code "jOOQ DSL"}. */
        Row anchor(Row row) {
            return row(row.anchor() == null ? "jOOQ DSL" : row.anchor());
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final List<Kind> kinds;
    private final List<Contender> contenders = new ArrayList<>();
    private final int[] next;

    /** Opens one connection per contender; contender {@code i} owns slot {@code firstSlot + i}. */
    SingleRow(BenchDatabase db, List<Kind> kinds, int firstSlot) throws Exception {
        this.kinds = List.copyOf(kinds);
        for (int i = 0; i < kinds.size(); i++) {
            contenders.add(kinds.get(i).factory().create(db.connect(), BenchDatabase.slot(firstSlot + i)));
        }
        this.next = new int[kinds.size()];
    }

    /** Runs every contender {@code ops} times, interleaved in chunks, untimed: JIT, caches, prepared statements. */
    void warmUp(int ops, boolean synchronousCommit) throws Exception {
        List<Integer> active = mode(false, synchronousCommit, true);
        int chunk = Math.min(ops, 1000);
        for (int done = 0; done < ops; done += chunk) {
            for (int i : active) {
                run(i, chunk);
            }
        }
    }

    /**
     * One table: {@code rounds} rounds of one {@code batch} per contender.
     *
     * @param transactional an explicit transaction per update, else autocommit
     * @param includeTransactionalOnly whether contenders without an autocommit mode take part in an
     *     autocommit table (they run their own transaction)
     */
    Table measure(String title, boolean transactional, boolean synchronousCommit, int rounds, int batch,
            boolean includeTransactionalOnly) throws Exception {
        List<Integer> active = mode(transactional, synchronousCommit, includeTransactionalOnly);
        for (int i : active) {
            run(i, Math.max(1, batch / 4)); // settle after the switch of mode
        }
        int n = active.size();
        Sample[][] samples = new Sample[n][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < n; j++) {
                int k = (r + j) % n;
                samples[k][r] = run(active.get(k), batch);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            double[] ops = new double[rounds];
            double[] bytes = new double[rounds];
            double[] cpu = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ops[r] = samples[k][r].opsPerSecond();
                bytes[r] = samples[k][r].bytesPerOp();
                cpu[r] = samples[k][r].cpuMicrosPerOp();
            }
            Kind kind = kinds.get(active.get(k));
            rows.add(new Row(kind.name(), ops, Stats.of(ops), Stats.of(bytes), Stats.of(cpu), kind.partner(),
                    kind.anchor()));
        }
        return new Table(title, transactional, synchronousCommit, rounds, batch, rows);
    }

    /** Sets every contender's session and mode; returns the indexes of those taking part. */
    private List<Integer> mode(boolean transactional, boolean synchronousCommit, boolean includeTransactionalOnly)
            throws SQLException {
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < contenders.size(); i++) {
            Contender c = contenders.get(i);
            if (!transactional && !kinds.get(i).autocommit() && !includeTransactionalOnly) {
                continue;
            }
            if (!c.connection.getAutoCommit()) {
                c.connection.commit();
            }
            c.connection.setAutoCommit(true);
            try (Statement s = c.connection.createStatement()) {
                s.execute("SET synchronous_commit = " + (synchronousCommit ? "on" : "off"));
            }
            c.transactional(transactional);
            active.add(i);
        }
        return active;
    }

    private Sample run(int index, int ops) throws Exception {
        Contender c = contenders.get(index);
        int start = next[index];
        long bytes0 = THREADS.getCurrentThreadAllocatedBytes();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            c.update(start + i);
        }
        long t1 = System.nanoTime();
        long cpu1 = THREADS.getCurrentThreadCpuTime();
        long bytes1 = THREADS.getCurrentThreadAllocatedBytes();
        next[index] = start + ops;
        return new Sample(ops * 1e9 / (t1 - t0), (double) (bytes1 - bytes0) / ops, (cpu1 - cpu0) / 1e3 / ops);
    }

    void close() throws SQLException {
        for (Contender c : contenders) {
            c.close();
        }
    }
}
