package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.DOCUMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.postgres.TestDatabaseExtension;
import dev.occ.test.db.tables.records.DocumentRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#12] Batches in JVMs of their own: memory bounded by the chunk, not by the input, on a small
 * heap; and a job killed with {@code kill -9} in the middle, rerun with the same input, applies every
 * row exactly once.
 */
class BatchProcessTest {

    @RegisterExtension
    static final TestDatabaseExtension DATABASE = TestDatabaseExtension.migrated();

    /** A heap that a million records do not fit in, and one chunk of 10,000 easily does. */
    static final String SMALL_HEAP = "-Xmx96m";
    static final int MILLION = Integer.getInteger("occ.batch.memoryRows", 1_000_000);

    DSLContext ctx;

    @BeforeEach
    void empty() {
        ctx = DATABASE.dsl();
        ctx.truncate(DOCUMENT).restartIdentity().execute();
    }

    private void documents(int n) {
        ctx.insertInto(DOCUMENT, DOCUMENT.ID, DOCUMENT.TITLE).select(DSL.select(DSL.field("g", Long.class),
                DSL.val("doc")).from(DSL.generateSeries(1, n).as("s", "g"))).execute();
    }

    private Process child(int rows, int chunk, String source) throws java.io.IOException {
        String url = DATABASE.database().jdbcUrl();
        String user = DATABASE.database().server().user();
        String password = java.util.Objects.requireNonNullElse(DATABASE.database().server().password(), "");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), SMALL_HEAP, "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), BatchChild.class.getName(), url, user, password,
                String.valueOf(rows), String.valueOf(chunk), source).redirectErrorStream(true).start();
    }

    private static String output(Process p) throws Exception {
        String out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        }).get(600, TimeUnit.SECONDS);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    private static String tail(String out) {
        return out.substring(Math.max(0, out.length() - 2000));
    }

    @Test
    void aMillionLazilyGeneratedRowsOnASmallHeap() throws Exception {
        documents(MILLION);
        Process job = child(MILLION, 10_000, "stream");
        String out = output(job);
        assertEquals(0, job.exitValue(), tail(out));
        assertTrue(out.contains("DONE BatchReport[rows=" + MILLION + ", updated=" + MILLION + ", deleted=0, stale=0, "
                + "missing=0, alreadyApplied=0, chunks=" + MILLION / 10_000 + ", statements=" + MILLION / 10_000 + ","),
                tail(out));
        assertEquals(MILLION, ctx.fetchCount(DOCUMENT, DOCUMENT.VERSION.eq(2L)
                .and(DOCUMENT.BODY.eq(DSL.val("job ").concat(DOCUMENT.ID)))));
        Race.report("batch: %d rows streamed on %s: %s", MILLION, SMALL_HEAP,
                out.lines().filter(l -> l.startsWith("DONE")).findFirst().orElse(""));
    }

    @Test
    void theControlThatKeepsEveryRowDoesNotFitTheSmallHeap() throws Exception {
        // the same job with its input collected first: proves the heap is small enough to tell
        Process job = child(MILLION, 10_000, "list");
        String out = output(job);
        assertTrue(job.exitValue() != 0 && out.contains("OutOfMemoryError"), tail(out));
    }

    @Test
    void aJobKilledInTheMiddleAndRerunAppliesEveryRowExactlyOnce() throws Exception {
        int n = 20_000;
        documents(n);
        // another writer changed some rows before the job read them: those are stale in both runs
        Set<Long> otherWriter = Set.of(7L, 15_001L, 19_999L);
        for (long id : otherWriter) {
            ctx.update(DOCUMENT).set(DOCUMENT.BODY, "other").set(DOCUMENT.VERSION, 2L).where(DOCUMENT.ID.eq(id)).execute();
        }
        Process job = child(n, 500, "stream");
        BufferedReader out = new BufferedReader(new InputStreamReader(job.getInputStream(), StandardCharsets.UTF_8));
        String progress = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("CHUNK 5000")) {
                        return line;
                    }
                }
                return "the job ended before its tenth chunk";
            } catch (java.io.IOException e) {
                return e.toString();
            }
        }).get(300, TimeUnit.SECONDS);
        assertEquals("CHUNK 5000", progress);
        job.destroyForcibly(); // SIGKILL, in the middle of the batch
        assertTrue(job.waitFor(30, TimeUnit.SECONDS));
        Map<Long, Long> versions = ctx.select(DOCUMENT.ID, DOCUMENT.VERSION).from(DOCUMENT)
                .fetchMap(DOCUMENT.ID, DOCUMENT.VERSION);
        Set<Long> firstRun = versions.entrySet().stream().filter(e -> e.getValue() == 2L
                && !otherWriter.contains(e.getKey())).map(Map.Entry::getKey).collect(Collectors.toSet());
        assertTrue(firstRun.size() >= 5000 - 1 && firstRun.size() < n - otherWriter.size(),
                "the first run committed some chunks, not all: " + firstRun.size());
        for (long first = 1; first <= n; first += 500) {
            long from = first;
            long written = firstRun.stream().filter(id -> id >= from && id < from + 500).count();
            long others = otherWriter.stream().filter(id -> id >= from && id < from + 500).count();
            assertTrue(written == 0 || written == 500 - others, "the chunk from " + from + " committed whole or not at "
                    + "all: " + written + " rows");
        }

        Map<Long, BatchRow.Outcome> outcomes = new HashMap<>();
        BatchReport<DocumentRecord> rerun = Occ.using(ctx).batchUpdate(DOCUMENT).set(DOCUMENT.BODY)
                .lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(BatchChild.rows(n)).chunkSize(500)
                .onRow(r -> outcomes.put(r.record().getId(), r.outcome())).execute();
        List<String> wrong = new ArrayList<>();
        for (long id = 1; id <= n; id++) {
            BatchRow.Outcome expected = otherWriter.contains(id) ? BatchRow.Outcome.STALE
                    : firstRun.contains(id) ? BatchRow.Outcome.ALREADY_APPLIED : BatchRow.Outcome.UPDATED;
            if (outcomes.get(id) != expected) {
                wrong.add(id + ": " + outcomes.get(id) + " instead of " + expected);
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())));
        assertEquals(firstRun.size(), rerun.alreadyApplied());
        assertEquals(n - firstRun.size() - otherWriter.size(), rerun.updated());
        assertEquals(otherWriter.size(), rerun.stale());
        // every row was written exactly once: version 1 -> 2, by the job or by the other writer
        assertEquals(n, ctx.fetchCount(DOCUMENT, DOCUMENT.VERSION.eq(2L)));
        assertEquals(n - otherWriter.size(), ctx.fetchCount(DOCUMENT, DOCUMENT.BODY.eq(DSL.val("job ").concat(DOCUMENT.ID))));
        Race.report("batch: killed after %d of %d rows committed; the rerun: %s", firstRun.size(), n, rerun);
    }
}
