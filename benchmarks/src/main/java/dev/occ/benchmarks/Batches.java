package dev.occ.benchmarks;

import static dev.occ.Occ.optimistic;
import static dev.occ.benchmarks.db.Tables.DOCUMENT;

import dev.occ.BatchReport;
import dev.occ.ConflictException;
import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import dev.occ.benchmarks.db.tables.records.DocumentRecord;
import java.lang.management.ManagementFactory;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * [occ#12] Scenario 5, batch jobs: every contender updates the same rows of {@code document} (a new
 * body, the version moved on, each row only if it still has the version it was read with), 1% of
 * them stale (another writer moved their version on just before), in chunks of the same size, each
 * chunk committed on its own, on one connection. A run counts the stale rows each contender can name.
 *
 * <p>Before a run every row is at version {@code v}; the run's stale rows are set to {@code v + 1};
 * the contender updates every row from {@code v}, so afterwards every row is at {@code v + 1} and the
 * next run starts there (a contender that stopped early is evened out by one statement).
 */
final class Batches {

    /** One contender's result at one size and chunk size. */
    record Result(String contender, int rows, int chunk, List<Double> rowsPerSecond, long staleNamed, long stale,
            String named, double bytesPerRow) {

        double median() {
            List<Double> sorted = rowsPerSecond.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }
    }

    /** A contender: updates rows 1..n from version {@code expected} to {@code body}, and says what it named. */
    private interface Contender {
        /** @return the stale rows it named */
        long run(Connection c, int n, int chunk, long expected, String body) throws Exception;
    }

    /** What scenario 5 measured. */
    record Summary(int rows, int largeRows, List<Integer> chunks, List<Result> results, String hibernateStale) {

        Result result(String contender, int rows, int chunk) {
            return results.stream().filter(r -> r.contender().equals(contender) && r.rows() == rows
                    && r.chunk() == chunk).findFirst().orElse(null);
        }
    }

    /** Runs scenario 5: every contender at every chunk size on the small table, occ and unnest on the large one. */
    static Summary run(BenchDatabase db, boolean quick) throws Exception {
        int rows = quick ? 2_000 : 10_000;
        int large = quick ? 20_000 : 1_000_000;
        List<Integer> chunks = quick ? List.of(100, 1_000) : List.of(100, 1_000, 10_000);
        int repetitions = quick ? 1 : 3;
        Batches batches = new Batches(db);
        List<Result> results = new ArrayList<>();
        batches.seed(rows);
        Main.log("batch: warm-up");
        for (String c : List.of(OCC, EXECUTE_BATCH, UNNEST, HIBERNATE)) {
            batches.measure(c, rows, 1_000, quick ? 1 : 2, !c.equals(HIBERNATE));
        }
        for (int chunk : chunks) {
            for (String c : List.of(OCC, EXECUTE_BATCH, UNNEST, HIBERNATE)) {
                Result r = batches.measure(c, rows, chunk, repetitions, !c.equals(HIBERNATE));
                Main.log(String.format("batch: %-50s %,9d rows, chunks of %,6d: %,8.0f rows/s, %d of %d stale rows named",
                        c, rows, chunk, r.median(), r.staleNamed(), r.stale()));
                results.add(r);
            }
        }
        results.add(batches.measure(LOOP, rows, 1, 1, true));
        String hibernateStale = batches.hibernateWithStale(rows, 1_000);
        Main.log("batch: Hibernate with stale rows: " + hibernateStale);
        batches.seed(large);
        for (int chunk : List.of(1_000, quick ? 1_000 : 10_000).stream().distinct().toList()) {
            for (String c : List.of(OCC, UNNEST)) {
                Result r = batches.measure(c, large, chunk, 1, true);
                Main.log(String.format("batch: %-50s %,9d rows, chunks of %,6d: %,8.0f rows/s, %d of %d stale rows named",
                        c, large, chunk, r.median(), r.staleNamed(), r.stale()));
                results.add(r);
            }
        }
        batches.seed(1);
        return new Summary(rows, large, chunks, results, hibernateStale);
    }

    /** Rows/s by chunk size on the small table, one series per contender, as a PNG. */
    static void chart(Summary summary, String subtitle, java.nio.file.Path png) throws java.io.IOException {
        org.knowm.xchart.XYChart chart = new org.knowm.xchart.XYChartBuilder().width(760).height(520)
                .title(String.format("batch update of %,d rows, 1%% stale (%s)", summary.rows(), subtitle))
                .xAxisTitle("rows per chunk").yAxisTitle("rows / s").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Vertical);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        for (String c : List.of(OCC, UNNEST, EXECUTE_BATCH, HIBERNATE)) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int chunk : summary.chunks()) {
                Result r = summary.result(c, summary.rows(), chunk);
                if (r != null) {
                    x.add((double) chunk);
                    y.add(r.median());
                }
            }
            chart.addSeries(c.equals(HIBERNATE) ? c + " (no stale rows: it stops at the first)" : c, x, y)
                    .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        }
        String file = png.toString();
        org.knowm.xchart.BitmapEncoder.saveBitmap(chart, file.substring(0, file.length() - 4),
                org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG);
    }

    private final BenchDatabase db;
    private long version = 1;
    private int runs;

    Batches(BenchDatabase db) {
        this.db = db;
    }

    /** Fills {@code document} with rows 1..n at version 1. */
    void seed(int n) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("truncate document");
            s.execute("insert into document (id, title, body, version) select g, 'doc', '', 1 from generate_series(1, "
                    + n + ") g");
            s.execute("vacuum analyze document");
        }
        version = 1;
    }

    static final String OCC = "occ batchUpdate";
    static final String EXECUTE_BATCH = "JDBC executeBatch";
    static final String UNNEST = "hand-written UPDATE .. FROM unnest(..) RETURNING";
    static final String HIBERNATE = "Hibernate @Version, JDBC batching";
    static final String LOOP = "loop of occ single-row updates";

    /**
     * Runs one contender {@code repetitions} times over rows 1..n (the table holds exactly n rows).
     *
     * @param withStale whether 1% of the rows are stale; Hibernate stops at the first one, so it runs without
     */
    Result measure(String name, int n, int chunk, int repetitions, boolean withStale) throws Exception {
        Contender contender = switch (name) {
            case OCC -> Batches::occ;
            case EXECUTE_BATCH -> Batches::executeBatch;
            case UNNEST -> Batches::unnest;
            case HIBERNATE -> Batches::hibernate;
            case LOOP -> Batches::loop;
            default -> throw new IllegalArgumentException(name);
        };
        List<Double> rates = new ArrayList<>();
        long named = 0;
        long stale = 0;
        double bytes = 0;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int rep = 0; rep < repetitions; rep++) {
            int offset = runs++ % 100;
            try (Connection c = db.connect()) {
                stale = withStale ? markStale(c, offset) : 0;
                long allocated = threads.getCurrentThreadAllocatedBytes();
                long start = System.nanoTime();
                named = contender.run(c, n, chunk, version, "run " + runs);
                long nanos = System.nanoTime() - start;
                bytes = (threads.getCurrentThreadAllocatedBytes() - allocated) / (double) n;
                rates.add(n * 1e9 / nanos);
                even(c);
            }
        }
        String how = switch (name) {
            case OCC -> "key, expected and actual version of each";
            case EXECUTE_BATCH -> "position in the JDBC batch (count 0), no version";
            case UNNEST -> "key (not returned), no version";
            case HIBERNATE -> "none: the first stale row throws and rolls back its chunk";
            default -> "key, expected and actual version (one ConflictException each)";
        };
        return new Result(name, n, chunk, rates, named, stale, how, bytes);
    }

    /** 1% of the rows, those with {@code id % 100 == offset}, moved on by another writer. */
    private long markStale(Connection c, int offset) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update document set version = version + 1 where id % 100 = ?")) {
            s.setInt(1, offset);
            return s.executeUpdate();
        }
    }

    /** Every row to {@code version + 1}, whatever the contender did. */
    private void even(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement s = c.prepareStatement("update document set version = ? where version <> ?")) {
            s.setLong(1, version + 1);
            s.setLong(2, version + 1);
            s.executeUpdate();
        }
        version++;
    }

    /** How many stale rows Hibernate named when it ran into them: what a user of its batch gets. */
    String hibernateWithStale(int n, int chunk) throws Exception {
        try (Connection c = db.connect()) {
            long stale = markStale(c, runs++ % 100);
            String outcome;
            try {
                hibernate(c, n, chunk, version, "stale run");
                outcome = "no exception";
            } catch (RuntimeException e) {
                outcome = e.getClass().getSimpleName();
            }
            c.setAutoCommit(true);
            long committed;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "select count(*) from document where body = 'stale run'")) {
                rs.next();
                committed = rs.getLong(1);
            }
            even(c);
            return String.format("%d stale rows in %,d, chunks of %,d: %s at the first, %,d rows committed, 0 stale rows "
                    + "named", stale, n, chunk, outcome, committed);
        }
    }

    /** Makes the records: attached to a configuration, jOOQ's setters do not copy its default settings. */
    private static final DSLContext RECORDS = DSL.using(SQLDialect.POSTGRES);

    private static DocumentRecord row(long id, long expected, String body) {
        DocumentRecord r = RECORDS.newRecord(DOCUMENT);
        r.setId(id);
        r.setVersion(expected);
        r.setBody(body);
        return r;
    }

    private static long occ(Connection c, int n, int chunk, long expected, String body) {
        LockingDSLContext db = Occ.using(DSL.using(c, SQLDialect.POSTGRES));
        BatchReport<DocumentRecord> report = db.batchUpdate(DOCUMENT).set(DOCUMENT.BODY)
                .lockingPolicy(optimistic(DOCUMENT.VERSION))
                .rows(LongStream.rangeClosed(1, n).mapToObj(id -> row(id, expected, body)))
                .chunkSize(chunk).maxReportedRows(n).execute();
        return report.notWritten().stream().filter(r -> r.actualVersion() != null).count();
    }

    private static long loop(Connection c, int n, int chunk, long expected, String body) {
        LockingDSLContext db = Occ.using(DSL.using(c, SQLDialect.POSTGRES));
        long stale = 0;
        for (long id = 1; id <= n; id++) {
            try {
                db.update(DOCUMENT).set(DOCUMENT.BODY, body).where(DOCUMENT.ID.eq(id))
                        .lockingPolicy(optimistic(DOCUMENT.VERSION, expected)).execute();
            } catch (ConflictException e) {
                stale++;
            }
        }
        return stale;
    }

    private static long executeBatch(Connection c, int n, int chunk, long expected, String body) throws SQLException {
        c.setAutoCommit(false);
        long stale = 0;
        try (PreparedStatement s = c.prepareStatement(
                "update document set body = ?, version = version + 1 where id = ? and version = ?")) {
            for (long first = 1; first <= n; first += chunk) {
                for (long id = first; id < first + chunk && id <= n; id++) {
                    s.setString(1, body);
                    s.setLong(2, id);
                    s.setLong(3, expected);
                    s.addBatch();
                }
                for (int count : s.executeBatch()) {
                    stale += count == 0 ? 1 : 0;
                }
                c.commit();
            }
        }
        return stale;
    }

    private static long unnest(Connection c, int n, int chunk, long expected, String body) throws SQLException {
        c.setAutoCommit(false);
        long stale = 0;
        try (PreparedStatement s = c.prepareStatement("update document d set body = u.body, version = d.version + 1 "
                + "from unnest(?::bigint[], ?::bigint[], ?::text[]) as u(id, v, body) "
                + "where d.id = u.id and d.version = u.v returning d.id")) {
            for (long first = 1; first <= n; first += chunk) {
                int size = (int) Math.min(chunk, n - first + 1);
                Long[] ids = new Long[size];
                Long[] versions = new Long[size];
                String[] bodies = new String[size];
                for (int i = 0; i < size; i++) {
                    ids[i] = first + i;
                    versions[i] = expected;
                    bodies[i] = body;
                }
                Array a = c.createArrayOf("int8", ids);
                Array b = c.createArrayOf("int8", versions);
                Array d = c.createArrayOf("text", bodies);
                s.setArray(1, a);
                s.setArray(2, b);
                s.setArray(3, d);
                Set<Long> written = new HashSet<>(size * 2);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        written.add(rs.getLong(1));
                    }
                }
                for (Long id : ids) {
                    stale += written.contains(id) ? 0 : 1;
                }
                c.commit();
            }
        }
        return stale;
    }

    @SuppressWarnings("deprecation") // Session.update: the one way to write a detached row without reading it first
    private static long hibernate(Connection c, int n, int chunk, long expected, String body) {
        SessionFactory factory = HibernateVersion.sessionFactory();
        for (long first = 1; first <= n; first += chunk) {
            try (Session session = factory.withOptions().connection(c).openSession()) {
                session.setJdbcBatchSize(chunk);
                Transaction tx = session.beginTransaction();
                try {
                    for (long id = first; id < first + chunk && id <= n; id++) {
                        // reattaches the detached row without a select; flushed as one JDBC batch per chunk
                        session.update(new DocumentEntity(id, "doc", body, expected));
                    }
                    tx.commit();
                } catch (RuntimeException e) {
                    if (tx.isActive()) {
                        tx.rollback();
                    }
                    throw e;
                }
            }
        }
        return 0;
    }
}
