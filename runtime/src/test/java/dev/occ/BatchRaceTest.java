package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.DOCUMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.DocumentRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#12] A batch while another writer changes and deletes a known set of its rows: every row's
 * outcome is exactly what happened to it, and exactly one of the two writers wrote each row.
 */
class BatchRaceTest {

    @RegisterExtension
    static final LockingDatabase DATABASE = LockingDatabase.migrated();
    static final DSLContext ctx = DATABASE.ctx();
    static final LockingDSLContext db = DATABASE.db();

    @org.junit.jupiter.api.BeforeEach
    void empty() {
        ctx.deleteFrom(DOCUMENT).execute();
    }

    @Test
    void everyRowsOutcomeIsWhatTheConcurrentWriterLeftOfIt() throws Exception {
        int n = 3_000;
        List<DocumentRecord> rows = BatchUpdateTest.documents(ctx, n);
        rows.forEach(r -> r.setBody("batch"));
        // every 7th row the writer changes, every 11th (not 7th) it deletes, each only if still at version 1;
        // it starts on the rows of the last chunk, then goes on in random order while the batch runs
        List<Long> changed = new ArrayList<>();
        List<Long> deleted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i % 7 == 0) {
                changed.add(rows.get(i).getId());
            } else if (i % 11 == 0) {
                deleted.add(rows.get(i).getId());
            }
        }
        List<Long> order = new ArrayList<>(changed);
        order.addAll(deleted);
        Collections.shuffle(order, new Random(12));
        long lastChunk = rows.get(n - 100).getId();
        order.sort((a, b) -> Boolean.compare(b >= lastChunk, a >= lastChunk));
        Map<Long, Boolean> writerWon = new HashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (java.sql.Connection connection = DATABASE.connect()) {
                DSLContext other = org.jooq.impl.DSL.using(connection, org.jooq.SQLDialect.POSTGRES);
                go.await();
                for (long id : order) {
                    int count = changed.contains(id)
                            ? other.update(DOCUMENT).set(DOCUMENT.BODY, "writer").set(DOCUMENT.VERSION, 2L)
                                    .where(DOCUMENT.ID.eq(id)).and(DOCUMENT.VERSION.eq(1L)).execute()
                            : other.deleteFrom(DOCUMENT).where(DOCUMENT.ID.eq(id)).and(DOCUMENT.VERSION.eq(1L))
                                    .execute();
                    synchronized (writerWon) {
                        writerWon.put(id, count == 1);
                    }
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Map<Long, BatchRow<DocumentRecord>> outcomes = new HashMap<>();
        BatchReport<DocumentRecord> report = db.batchUpdate(DOCUMENT).set(DOCUMENT.BODY)
                .lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(rows).chunkSize(100)
                .onProgress(p -> {
                    if (p.chunksDone() == 5) {
                        go.countDown(); // let the writer go, and wait until it has taken rows of the last chunk
                        while (writes.get() < 5) {
                            Thread.onSpinWait();
                        }
                    }
                })
                .onRow(r -> outcomes.put(r.record().getId(), r)).execute();
        writer.get(120, TimeUnit.SECONDS);

        Map<Long, ? extends Record> now = ctx.select(DOCUMENT.ID, DOCUMENT.BODY, DOCUMENT.VERSION).from(DOCUMENT)
                .fetchMap(DOCUMENT.ID);
        List<String> wrong = new ArrayList<>();
        int won = 0;
        for (DocumentRecord r : rows) {
            long id = r.getId();
            BatchRow<DocumentRecord> outcome = outcomes.get(id);
            boolean writerWrote = Boolean.TRUE.equals(writerWon.get(id));
            won += writerWrote ? 1 : 0;
            String expected;
            if (writerWrote && changed.contains(id)) {
                expected = "STALE 2 writer";
            } else if (writerWrote) {
                expected = "MISSING null gone";
            } else {
                expected = "UPDATED 2 batch";
            }
            Record row = now.get(id);
            String actual = outcome.outcome() + " " + outcome.actualVersion() + " "
                    + (row == null ? "gone" : row.get(DOCUMENT.BODY));
            if (!expected.equals(actual) || row != null && row.get(DOCUMENT.VERSION) != 2L) {
                wrong.add(id + ": " + actual + " instead of " + expected);
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())));
        assertEquals(n, report.updated() + report.stale() + report.missing());
        assertEquals(won, report.stale() + report.missing(), "each row written by exactly one of the two");
        assertTrue(report.stale() > 0 && report.missing() > 0, "the writer won some rows: " + report);
        assertTrue(won < changed.size() + deleted.size(), "the batch won some of the writer's rows: " + report);
        Race.report("batch: a concurrent writer won %d of its %d rows: %s", won, order.size(), report);
    }

    @Test
    void aChunkThatLosesADeadlockIsRunAgainByTheRetryPolicy() throws Exception {
        int n = 500;
        List<DocumentRecord> rows = BatchUpdateTest.documents(ctx, n);
        rows.forEach(r -> r.setBody("batch"));
        long first = rows.get(0).getId();
        long last = rows.get(n - 1).getId();
        List<RetryEvent> retries = java.util.Collections.synchronizedList(new ArrayList<>());
        RetryPolicy retry = RetryPolicy.builder().onRetry(retries::add).build();
        try (java.sql.Connection connection = DATABASE.connect()) {
            DSLContext other = org.jooq.impl.DSL.using(connection, org.jooq.SQLDialect.POSTGRES);
            connection.setAutoCommit(false);
            // the other transaction holds the batch's last row ...
            other.update(DOCUMENT).set(DOCUMENT.BODY, "other").set(DOCUMENT.VERSION, 2L).where(DOCUMENT.ID.eq(last))
                    .execute();
            CompletableFuture<BatchReport<DocumentRecord>> batch = CompletableFuture.supplyAsync(() ->
                    db.batchUpdate(DOCUMENT).set(DOCUMENT.BODY).lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(rows)
                            .chunkSize(n).retryPolicy(retry).execute());
            // ... until the batch, which holds the others, waits for it; then it wants the first one: a
            // deadlock, which the batch detects first (it waited first) and loses
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ctx.fetchCount(DSL.table("pg_stat_activity"), DSL.field("wait_event_type").eq("Lock")) == 0) {
                assertTrue(System.nanoTime() < deadline, "the batch never waited for the row");
                Thread.sleep(10);
            }
            other.update(DOCUMENT).set(DOCUMENT.BODY, "other").set(DOCUMENT.VERSION, 2L).where(DOCUMENT.ID.eq(first))
                    .execute();
            connection.commit();
            BatchReport<DocumentRecord> report = batch.get(60, TimeUnit.SECONDS);
            assertEquals(1, retries.size(), "one retry, after the deadlock");
            assertTrue(RetryPolicy.isRetryable(retries.get(0).cause()));
            assertTrue(String.valueOf(retries.get(0).cause().getMessage()).contains("deadlock"),
                    retries.get(0).cause().getMessage());
            assertEquals(n - 2, report.updated());
            assertEquals(List.of(first, last), report.notWritten().stream().map(r -> r.record().getId()).toList());
            assertEquals(List.of(BatchRow.Outcome.STALE, BatchRow.Outcome.STALE),
                    report.notWritten().stream().map(BatchRow::outcome).toList());
            assertEquals(2, ctx.fetchCount(DOCUMENT, DOCUMENT.BODY.eq("other")));
            assertEquals(n, ctx.fetchCount(DOCUMENT, DOCUMENT.VERSION.eq(2L)), "every row written exactly once");
        }
    }
}
