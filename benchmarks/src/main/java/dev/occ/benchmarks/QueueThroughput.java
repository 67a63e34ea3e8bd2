package dev.occ.benchmarks;

import static dev.occ.benchmarks.db.Tables.RESOURCE;

import dev.occ.WorkQueue;
import dev.occ.benchmarks.db.tables.records.ResourceRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;

/**
 * Scenario 5: a work queue. {@code rows} rows of {@code resource} are pending ({@code name =
 * 'queue todo'}); 1 .. 8 workers, each on a connection of its own, claim chunks of {@value #CHUNK}
 * of them in id order, write every row of the chunk and commit, until none is pending. The contenders
 * differ only in how they claim: occ's {@link WorkQueue} ({@code FOR UPDATE SKIP LOCKED}), the same
 * loop hand-written in JDBC (the floor for occ's overhead), and a hand-written plain
 * {@code FOR UPDATE}, whose workers queue up behind each other's chunk. The write is the same code
 * for all ({@link #write}): one {@code UPDATE} per row, sent as one JDBC batch, that marks the row
 * done and adds 1 to its counter {@code n} in {@code data}, computed by the database, so that a row
 * processed twice shows a 2. After every run each row's counter must be exactly 1 and the workers'
 * own count must equal the rows: a run that loses or doubles a row is reported as such.
 */
final class QueueThroughput implements AutoCloseable {

    /** Rows per claim, for every contender. */
    static final int CHUNK = 100;
    static final String PENDING = "queue todo";
    static final String DONE = "queue done";
    /**
     * How long a SKIP LOCKED worker that found nothing to claim, while rows are still pending (other
     * workers' chunks, which may yet roll back), waits before it looks again: occ's own wait, so that
     * the floor does the same.
     */
    static final Duration BUSY_WAIT = Duration.ofMillis(50);
    /** The most workers of a run: the connections opened for the scenario. */
    static final int MAX_WORKERS = 8;

    static final String CLAIM = "SELECT * FROM resource WHERE name = ? ORDER BY id LIMIT ? FOR UPDATE";
    static final String CLAIM_SKIP_LOCKED = CLAIM + " SKIP LOCKED";
    static final String WRITE = "UPDATE resource SET name = ?, data = jsonb_build_object('n', (data->>'n')::int + 1),"
            + " version = version + 1 WHERE id = ?";
    static final String COUNT_PENDING = "SELECT count(*) FROM resource WHERE name = ?";

    /** How the workers claim their chunks; everything else is the same for all. */
    enum Strategy {
        OCC("occ WorkQueue", "`WorkQueue.builder(RESOURCE).pending(RESOURCE.NAME.eq(\"" + PENDING + "\"))"
                + ".orderBy(RESOURCE.ID).chunkSize(" + CHUNK + ")`, `run(ctx, workers, ..)` on a context whose"
                + " connection provider lends each transaction one of the scenario's connections; per chunk:"
                + " `select * .. order by id limit " + CHUNK + " for update skip locked` into records, the write,"
                + " occ's check that no row of the chunk is left pending (`select count(*) filter (where name = ?)"
                + " from resource where (id) in ((?), (?), ..)`, the chunk's keys bound), commit"),
        SKIP_LOCKED("raw JDBC, SKIP LOCKED", "the same loop by hand: `" + CLAIM_SKIP_LOCKED + "` with reused"
                + " `PreparedStatement`s, the write, commit; a worker that claims nothing counts the pending rows and"
                + " waits " + BUSY_WAIT.toMillis() + " ms while there are any (other workers' chunks), as occ does"),
        FOR_UPDATE("raw JDBC, plain FOR UPDATE", "`" + CLAIM + "` (no SKIP LOCKED), the write, commit: a worker"
                + " waits for the chunk another holds, then skips its rows, no longer pending, and locks the next"
                + " ones; a claim that returns nothing means nothing is pending");

        final String label;
        final String description;

        Strategy(String label, String description) {
            this.label = label;
            this.description = description;
        }
    }

    /**
     * One run over all the rows.
     *
     * @param reportedRows the rows the workers say they committed
     * @param once rows marked done whose counter is exactly 1
     * @param notOnce rows not done, or whose counter is not 1
     * @param counterSum the counters' total
     * @param total the scenario's rows found
     */
    record Run(Strategy strategy, int workers, int rows, double seconds, long reportedRows, long chunks,
            long once, long notOnce, long counterSum, long total) {

        double rowsPerSecond() {
            return rows / seconds;
        }

        boolean exactlyOnce() {
            return reportedRows == rows && once == rows && notOnce == 0 && counterSum == rows && total == rows;
        }

        String check() {
            return exactlyOnce() ? "exactly once" : String.format("NOT EXACTLY ONCE: workers reported %d of %d rows;"
                    + " %d done once, %d not done or not once, counters add up to %d", reportedRows, rows, once,
                    notOnce, counterSum);
        }
    }

    /** The runs of one contender with one number of workers (one per repetition). */
    record Cell(Strategy strategy, int workers, List<Run> runs) {

        Stats rowsPerSecond() {
            return Stats.of(runs.stream().map(Run::rowsPerSecond).toList());
        }

        boolean exactlyOnce() {
            return runs.stream().allMatch(Run::exactlyOnce);
        }

        long rows() {
            return runs.stream().mapToLong(Run::rows).sum();
        }
    }

    private final BenchDatabase db;
    private final int rows;
    private final boolean synchronousCommit;
    private final FixedConnections connections;
    private final DSLContext ctx;
    private final WorkQueue<ResourceRecord> queue;
    private final int first;
    private final int last;

    /**
     * Seeds {@code rows} pending rows after every other scenario's, and the index a queue needs for
     * its pending condition.
     */
    QueueThroughput(BenchDatabase db, int rows, boolean synchronousCommit) throws SQLException {
        this.db = db;
        this.rows = rows;
        this.synchronousCommit = synchronousCommit;
        try (Connection c = db.connect()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO resource (name, data)"
                    + " SELECT ?, ?::jsonb FROM generate_series(1, ?)")) {
                s.setString(1, PENDING);
                s.setString(2, "{\"n\": 0}");
                s.setInt(3, rows);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("SELECT min(id), max(id) FROM resource WHERE name = ?")) {
                s.setString(1, PENDING);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    first = rs.getInt(1);
                    last = rs.getInt(2);
                }
            }
            // a real queue has an index on what "pending" means, in claim order; created here and not in a
            // migration, after the other scenarios, so that their updates do not pay for it
            try (Statement s = c.createStatement()) {
                s.execute("CREATE INDEX resource_queue_idx ON resource (name, id)");
            }
        }
        if (last - first + 1 != rows) {
            throw new IllegalStateException("the queue's " + rows + " rows are not one range of ids: " + first + " .. "
                    + last);
        }
        this.connections = new FixedConnections(db, MAX_WORKERS, synchronousCommit);
        this.ctx = DSL.using(new DefaultConfiguration().set(connections).set(SQLDialect.POSTGRES));
        this.queue = WorkQueue.builder(RESOURCE)
                .pending(RESOURCE.NAME.eq(PENDING))
                .orderBy(RESOURCE.ID)
                .chunkSize(CHUNK)
                .build();
        db.vacuum();
    }

    int rows() {
        return rows;
    }

    boolean synchronousCommit() {
        return synchronousCommit;
    }

    /** All rows pending again, the last run's dead rows vacuumed, then one run; checks every row after it. */
    Run run(Strategy strategy, int workers) throws Exception {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be 1 .. " + MAX_WORKERS + ", but is " + workers);
        }
        reset();
        long t0 = System.nanoTime();
        long reported;
        long chunks;
        if (strategy == Strategy.OCC) {
            WorkQueue.Report report = queue.run(ctx, workers,
                    (cfg, chunk) -> cfg.dsl().connection(c -> write(c, chunk.getValues(RESOURCE.ID))));
            reported = report.rows();
            chunks = report.chunks();
        } else {
            boolean skipLocked = strategy == Strategy.SKIP_LOCKED;
            List<Worker> all = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                all.add(new Worker(skipLocked));
            }
            all.forEach(Thread::start);
            reported = 0;
            chunks = 0;
            for (Worker w : all) {
                w.join();
                if (w.failure.get() != null) {
                    throw new IllegalStateException(strategy.label + " failed: " + w.failure.get(), w.failure.get());
                }
                reported += w.rows;
                chunks += w.chunks;
            }
        }
        long t1 = System.nanoTime();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT"
                + " count(*) FILTER (WHERE name = ? AND (data->>'n')::int = 1),"
                + " count(*) FILTER (WHERE name <> ? OR (data->>'n')::int <> 1),"
                + " coalesce(sum((data->>'n')::int), 0), count(*)"
                + " FROM resource WHERE id BETWEEN ? AND ?")) {
            s.setString(1, DONE);
            s.setString(2, DONE);
            s.setInt(3, first);
            s.setInt(4, last);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Run(strategy, workers, rows, (t1 - t0) / 1e9, reported, chunks, rs.getLong(1),
                        rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    private void reset() throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "UPDATE resource SET name = ?, data = ?::jsonb WHERE id BETWEEN ? AND ?")) {
            s.setString(1, PENDING);
            s.setString(2, "{\"n\": 0}");
            s.setInt(3, first);
            s.setInt(4, last);
            int updated = s.executeUpdate();
            if (updated != rows) {
                throw new IllegalStateException("reset " + updated + " of the queue's " + rows + " rows");
            }
        }
        db.vacuum();
    }

    /**
     * The processing of one chunk, the same for every contender: each row marked done and its counter
     * incremented, one {@code UPDATE} per row in one JDBC batch, on the claiming transaction's connection.
     */
    static void write(Connection c, List<Integer> ids) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(WRITE)) {
            for (int id : ids) {
                s.setString(1, DONE);
                s.setInt(2, id);
                s.addBatch();
            }
            int[] counts = s.executeBatch();
            for (int count : counts) {
                Contender.expectOne(count, "the queue's write");
            }
        }
    }

    /** A hand-written worker: one borrowed connection for the whole run, one transaction per chunk. */
    private final class Worker extends Thread {
        final boolean skipLocked;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        long rows;
        long chunks;

        Worker(boolean skipLocked) {
            super("queue-" + (skipLocked ? "skip-locked" : "for-update"));
            this.skipLocked = skipLocked;
        }

        @Override
        public void run() {
            Connection c = connections.acquire();
            try {
                c.setAutoCommit(false);
                try (PreparedStatement claim = c.prepareStatement(skipLocked ? CLAIM_SKIP_LOCKED : CLAIM);
                        PreparedStatement count = c.prepareStatement(COUNT_PENDING)) {
                    claim.setString(1, PENDING);
                    claim.setInt(2, CHUNK);
                    count.setString(1, PENDING);
                    while (true) {
                        List<Integer> ids = new ArrayList<>(CHUNK);
                        try (ResultSet rs = claim.executeQuery()) {
                            while (rs.next()) {
                                ids.add(rs.getInt("id"));
                                rs.getString("data"); // what a processor reads, as occ's records do
                            }
                        }
                        if (ids.isEmpty()) {
                            c.commit();
                            if (!skipLocked) {
                                return; // it waited for every chunk held: nothing is pending
                            }
                            long pending;
                            try (ResultSet rs = count.executeQuery()) {
                                rs.next();
                                pending = rs.getLong(1);
                            }
                            c.commit();
                            if (pending == 0) {
                                return;
                            }
                            Thread.sleep(BUSY_WAIT.toMillis());
                            continue;
                        }
                        write(c, ids);
                        c.commit();
                        rows += ids.size();
                        chunks++;
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the failure above is what the run reports
                }
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException e) {
                    failure.compareAndSet(null, e);
                }
                connections.release(c);
            }
        }
    }

    /** Drops the scenario's index and rows, so that the database is as the other scenarios left it. */
    @Override
    public void close() throws SQLException {
        connections.close();
        try (Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP INDEX resource_queue_idx");
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM resource WHERE id BETWEEN ? AND ?")) {
                s.setInt(1, first);
                s.setInt(2, last);
                s.executeUpdate();
            }
        }
        db.vacuum();
    }
}
