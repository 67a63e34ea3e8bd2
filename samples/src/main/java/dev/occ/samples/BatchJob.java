package dev.occ.samples;

import static dev.occ.Occ.optimistic;
import static dev.occ.samples.db.Tables.RESOURCE;

import dev.occ.BatchReport;
import dev.occ.BatchRow;
import dev.occ.Occ;
import dev.occ.RetryPolicy;
import dev.occ.postgres.TestDatabase;
import dev.occ.samples.db.tables.records.ResourceRecord;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record3;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * A batch job with a locked batch update: it seeds resources with a price, then re-prices all of
 * them (10% up) in chunks of 1,000, while an editor renames a known set of the same rows at the same
 * time. The job streams its input (memory for one chunk), shows a progress bar, and reports every
 * row it did not write, which it then re-reads and re-prices in a second, small batch: nothing the
 * editor wrote is lost, and no row is re-priced twice.
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; mvn -B -q exec:java -pl samples -Dexec.mainClass=dev.occ.samples.BatchJob -Dexec.args="100000"
 * </pre>
 *
 * Arguments: the number of rows (100,000) and how many of them the editor renames (one in a
 * thousand, 100).
 */
public final class BatchJob {

    /** The price in a resource's data. */
    static final Field<Integer> PRICE = DSL.field("({0}->>'price')::int", Integer.class, RESOURCE.DATA);

    private BatchJob() {
    }

    /**
     * Runs the job on the embedded PostgreSQL.
     *
     * @param args {@code [rows [edited]]}
     * @throws Exception when the job fails
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int edited = args.length > 1 ? Integer.parseInt(args[1]) : Math.max(1, rows / 1000);
        TestDatabase db = TestDatabase.create("batch_job");
        try (HikariDataSource pool = pool(db)) {
            System.out.print(run(DSL.using(pool, SQLDialect.POSTGRES), rows, edited, true));
        }
    }

    /** A connection pool on the database, as an application has one. */
    static HikariDataSource pool(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.server().user());
        config.setPassword(db.server().password());
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    /** The new price of a row: 10% up, rounded. */
    static int repriced(int price) {
        return Math.round(price * 1.1f);
    }

    /**
     * Seeds {@code rows} resources priced 1..rows, re-prices them while {@code edited} of them are
     * renamed, re-prices the rows the editor got to first, and says what happened.
     *
     * @return the report
     */
    static String run(DSLContext ctx, int rows, int edited, boolean bar) throws Exception {
        ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA)
                .select(DSL.select(DSL.concat(DSL.val("item-"), DSL.field("g", String.class)),
                        DSL.field("jsonb_build_object('price', g)", JSONB.class))
                        .from(DSL.generateSeries(1, rows).as("s", "g")))
                .execute();
        List<Integer> ids = ctx.select(RESOURCE.ID).from(RESOURCE).orderBy(RESOURCE.ID).fetch(RESOURCE.ID);
        // the editor renames every (rows / edited)-th resource, from the last one down, while the job runs
        List<Integer> editorsRows = new ArrayList<>();
        for (int i = ids.size() - 1; i >= 0 && editorsRows.size() < edited; i -= Math.max(1, rows / edited)) {
            editorsRows.add(ids.get(i));
        }
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<Integer> editor = CompletableFuture.supplyAsync(() -> edit(ctx, editorsRows, started));

        StringBuilder out = new StringBuilder();
        BatchReport<ResourceRecord> first;
        // the job reads every row in one transaction, lazily (a cursor of 1,000 rows at a time), and writes
        // each chunk in a transaction of its own on another connection
        try (Connection reading = ctx.configuration().connectionProvider().acquire()) {
            reading.setAutoCommit(false);
            DSLContext reader = DSL.using(reading, SQLDialect.POSTGRES);
            try (Stream<ResourceRecord> input = reader.select(RESOURCE.ID, RESOURCE.VERSION, PRICE).from(RESOURCE)
                    .orderBy(RESOURCE.ID).fetchSize(1_000).fetchStream().map(BatchJob::reprice);
                    ProgressBar progress = progressBar(bar, rows)) {
                first = Occ.using(ctx).batchUpdate(RESOURCE)
                        .set(RESOURCE.DATA)
                        .lockingPolicy(optimistic(RESOURCE.VERSION))
                        .rows(input)
                        .chunkSize(1_000)
                        .onProgress(p -> {
                            started.set(1); // the editor starts once the job is under way
                            if (progress != null) {
                                progress.stepTo(p.rowsDone());
                            }
                        })
                        .execute();
            }
            reading.commit();
        }
        int editorWrote = editor.get();
        out.append(String.format("re-priced %,d rows: %,d updated, %,d stale, %,d missing, %,d already applied in %,d "
                + "chunks, %,d statements, %,.0f rows/s%n", first.rows(), first.updated(), first.stale(),
                first.missing(), first.alreadyApplied(), first.chunks(), first.statements(), first.rowsPerSecond()));
        for (BatchRow<ResourceRecord> r : first.notWritten().subList(0, Math.min(3, first.notWritten().size()))) {
            out.append(String.format("  not written: %s, %s, expected version %s, found %s%n", r.key(), r.outcome(),
                    r.expectedVersion(), r.actualVersion()));
        }
        // the rows the editor changed first: read them again (their new names stay), re-price them
        List<Integer> stale = first.notWritten().stream().map(r -> r.record().getId()).toList();
        BatchReport<ResourceRecord> again = Occ.using(ctx).batchUpdate(RESOURCE).set(RESOURCE.DATA)
                .lockingPolicy(optimistic(RESOURCE.VERSION))
                .rows(ctx.select(RESOURCE.ID, RESOURCE.VERSION, PRICE).from(RESOURCE).where(RESOURCE.ID.in(stale))
                        .fetch().map(BatchJob::reprice))
                .execute();
        out.append(String.format("re-read and re-priced the %,d stale rows: %,d updated, %,d stale%n", again.rows(),
                again.updated(), again.stale()));
        int wrong = ctx.fetchCount(RESOURCE, PRICE.ne(DSL.round(DSL.field("substr({0}, 6)::int * 1.1", Double.class,
                RESOURCE.NAME.replace("edited-", ""))).cast(Integer.class)));
        out.append(String.format("editor renamed %,d rows meanwhile; renamed rows now: %,d; rows not priced exactly "
                + "once: %,d%n", editorWrote, ctx.fetchCount(RESOURCE, RESOURCE.NAME.startsWith("edited-")), wrong));
        return out.toString();
    }

    private static ResourceRecord reprice(Record3<Integer, Integer, Integer> row) {
        ResourceRecord r = new ResourceRecord();
        r.setId(row.value1());
        r.setVersion(row.value2());
        r.setData(JSONB.valueOf("{\"price\": " + repriced(row.value3()) + "}"));
        return r;
    }

    private static ProgressBar progressBar(boolean shown, int rows) {
        return shown ? new ProgressBarBuilder().setTaskName("re-pricing").setInitialMax(rows)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).build() : null;
    }

    /** The editor: renames its rows one by one, each a single-row locked update under a retry policy. */
    private static int edit(DSLContext ctx, List<Integer> rows, AtomicInteger started) {
        while (started.get() == 0) {
            Thread.onSpinWait();
        }
        RetryPolicy retry = RetryPolicy.defaults();
        int done = 0;
        for (int id : rows) {
            done += retry.transactionResult(ctx, cfg -> {
                ResourceRecord r = cfg.dsl().fetchSingle(RESOURCE, RESOURCE.ID.eq(id));
                return Occ.using(cfg).update(RESOURCE).set(RESOURCE.NAME, "edited-" + r.getName())
                        .where(RESOURCE.ID.eq(id)).lockingPolicy(optimistic(RESOURCE.VERSION, r.getVersion()))
                        .execute();
            });
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return done;
    }
}
