package dev.occ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.postgres.TestDatabaseExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#13] The SKIP LOCKED work queue on PostgreSQL: threads and worker processes share the rows,
 * every row is processed exactly once (its counter is 1, the total exact), and the chunk of a worker
 * killed with {@code kill -9} is taken over by the others.
 */
class WorkQueueTest {

    @RegisterExtension
    static final TestDatabaseExtension DATABASE = TestDatabaseExtension.migrated();
    static final WorkItems T = WorkItems.T;

    private static void assertEachProcessedOnce(DSLContext ctx, int rows) {
        assertEquals(rows, ctx.fetchCount(T, T.PROCESSED.eq(1).and(T.DONE)), "every row processed exactly once");
        assertEquals(0, ctx.fetchCount(T, T.PROCESSED.ne(1)));
        assertEquals(rows, ctx.select(DSL.sum(T.PROCESSED)).from(T).fetchOne(0, Integer.class));
    }

    @Test
    void eightThreadsProcessEveryRowExactlyOnce() {
        DSLContext ctx = DATABASE.dsl();
        WorkItems.create(ctx, 10_000);
        AtomicLong progressed = new AtomicLong();
        WorkQueue<org.jooq.Record> queue = WorkQueue.builder(T).pending(T.DONE.isFalse()).orderBy(T.ID).chunkSize(100)
                .onProgress(p -> progressed.set(Math.max(progressed.get(), p.rowsDone()))).build();
        WorkQueue.Report report = queue.run(ctx, 8, (cfg, chunk) -> WorkItems.process(cfg, chunk, "thread"));
        assertEquals(10_000, report.rows());
        assertEquals(100, report.chunks());
        assertEquals(10_000, report.rowsPerWorker().stream().mapToLong(Long::longValue).sum());
        assertTrue(report.rowsPerWorker().stream().filter(n -> n > 0).count() > 1, "several workers worked: " + report);
        assertEquals(10_000, progressed.get());
        assertEachProcessedOnce(ctx, 10_000);
        Race.report("work queue: 8 threads, 10000 rows in %d ms, per worker %s", report.elapsed().toMillis(),
                report.rowsPerWorker());
    }

    @Test
    void aProcessorThatLeavesRowsPendingFailsAndWritesNothing() {
        DSLContext ctx = DATABASE.dsl();
        WorkItems.create(ctx, 10);
        WorkQueue<org.jooq.Record> queue = WorkQueue.builder(T).pending(T.DONE.isFalse()).chunkSize(5).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> queue.run(ctx, 1, (cfg, chunk) ->
                cfg.dsl().update(T).set(T.PROCESSED, T.PROCESSED.plus(1)).where(T.ID.in(chunk.getValues(T.ID))).execute()));
        assertTrue(e.getMessage().startsWith("the processor of the work queue over work_item left 5 of its 5 rows pending"),
                e.getMessage());
        assertEquals(0, ctx.fetchCount(T, T.PROCESSED.ne(0)), "the chunk was rolled back");
    }

    @Test
    void aRunWithAnIdleWaitStopsCleanlyAfterItsChunk() throws Exception {
        DSLContext ctx = DATABASE.dsl();
        WorkItems.create(ctx, 300);
        WorkQueue.Run run = WorkQueue.builder(T).pending(T.DONE.isFalse()).chunkSize(10)
                .idleWait(Duration.ofMillis(20)).build()
                .start(ctx, 2, (cfg, chunk) -> WorkItems.process(cfg, chunk, "idle"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ctx.fetchCount(T, T.DONE.isFalse()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        ctx.execute("insert into work_item (id) values (1001), (1002)"); // new work while they wait
        while (ctx.fetchCount(T, T.DONE.isFalse()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        run.stop();
        WorkQueue.Report report = CompletableFuture.supplyAsync(run::await).get(30, TimeUnit.SECONDS);
        assertEquals(302, report.rows());
        assertEachProcessedOnce(ctx, 302);
    }

    @Test
    void fourWorkerProcessesAndOneKilledMidChunkProcessEveryRowExactlyOnce() throws Exception {
        DSLContext ctx = DATABASE.dsl();
        WorkItems.create(ctx, 10_000);
        String url = DATABASE.database().jdbcUrl();
        String user = DATABASE.database().server().user();
        String password = java.util.Objects.requireNonNullElse(DATABASE.database().server().password(), "");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<Process> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            // worker 0 holds its first chunk for a minute: it is killed while it holds it
            workers.add(new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    WorkQueueChild.class.getName(), url, user, password, "process-" + w, w == 0 ? "60000" : "0")
                    .redirectErrorStream(true).start());
        }
        Process victim = workers.get(0);
        BufferedReader victimOut = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8));
        String claimed = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = victimOut.readLine()) != null; ) {
                    if (line.startsWith("CLAIMED")) {
                        return line;
                    }
                }
                return "the victim ended without claiming";
            } catch (java.io.IOException e) {
                return e.toString();
            }
        }).get(120, TimeUnit.SECONDS);
        assertTrue(claimed.startsWith("CLAIMED"), claimed);
        // its chunk is written but not committed: the others cannot claim it yet
        victim.destroyForcibly(); // SIGKILL: kill -9
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
        for (Process p : workers.subList(1, 4)) {
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "a worker process did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("DONE "), out);
        }
        assertEachProcessedOnce(ctx, 10_000);
        String firstClaimed = claimed.replaceAll("CLAIMED \\[(\\d+),.*", "$1");
        String takenOverBy = ctx.fetchValue(T.WORKER, T.ID.eq(Integer.parseInt(firstClaimed)));
        assertTrue(takenOverBy.startsWith("process-") && !takenOverBy.equals("process-0"),
                "the killed worker's chunk was taken over, by " + takenOverBy);
        assertEquals(0, ctx.fetchCount(T, T.WORKER.eq("process-0")), "nothing of the killed worker was committed");
        Race.report("work queue: 4 processes, one killed holding %s..; its chunk taken over by %s", firstClaimed, takenOverBy);
    }
}
