package dev.occ.internal;

import dev.occ.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.OrderField;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.RowN;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * [occ#13] One run of a {@link WorkQueue}: worker threads that each, in a transaction of their own,
 * claim a chunk ({@code select * from t where <pending> order by .. limit n for update skip locked}),
 * hand it to the processor, check that no row of it is still pending, and commit.
 */
public final class WorkQueueRun<R extends Record> implements WorkQueue.Run {

    private final DSLContext ctx;
    private final Table<R> table;
    private final Condition pending;
    private final List<OrderField<?>> order;
    private final int chunkSize;
    private final @Nullable Duration idleWait;
    private final @Nullable Consumer<WorkQueue.Progress> onProgress;
    private final WorkQueue.Processor<R> processor;
    private final List<TableField<R, ?>> key;

    /** How long a worker waits when all pending rows are claimed by others, before it looks again. */
    private static final Duration BUSY_WAIT = Duration.ofMillis(50);

    private final long started = System.nanoTime();
    private final CountDownLatch finished;
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong chunks = new AtomicLong();
    private final AtomicLongArray perWorker;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean stopped;

    /** Starts the workers. */
    public WorkQueueRun(DSLContext ctx, Table<R> table, Condition pending, List<OrderField<?>> order, int chunkSize,
            @Nullable Duration idleWait, @Nullable Consumer<WorkQueue.Progress> onProgress, int workers,
            WorkQueue.Processor<R> processor) {
        this.ctx = ctx;
        this.table = table;
        this.pending = pending;
        this.order = order;
        this.chunkSize = chunkSize;
        this.idleWait = idleWait;
        this.onProgress = onProgress;
        this.processor = processor;
        this.key = List.copyOf(table.getPrimaryKey().getFields());
        this.finished = new CountDownLatch(workers);
        this.perWorker = new AtomicLongArray(workers);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            Thread thread = new Thread(() -> work(worker), "occ-queue-" + table.getName() + "-" + w);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void work(int worker) {
        try {
            while (!stopped) {
                int done = ctx.transactionResult(cfg -> claimAndProcess(cfg.dsl(), cfg));
                if (done == 0) {
                    // nothing to claim: empty, or every pending row is another worker's chunk, which may
                    // yet roll back (a worker that dies): only an empty queue ends the run
                    boolean empty = ctx.fetchCount(table, pending) == 0;
                    if (empty && idleWait == null) {
                        return;
                    }
                    Duration wait = idleWait != null ? idleWait : BUSY_WAIT;
                    Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
                    continue;
                }
                long all = rows.addAndGet(done);
                long allChunks = chunks.incrementAndGet();
                perWorker.addAndGet(worker, done);
                if (onProgress != null) {
                    onProgress.accept(new WorkQueue.Progress(worker, done, all, allChunks));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            stopped = true; // the other workers finish their chunk and stop
        } finally {
            finished.countDown();
        }
    }

    private int claimAndProcess(DSLContext tx, org.jooq.Configuration cfg) throws Exception {
        Result<R> chunk = tx.selectFrom(table).where(pending).orderBy(order).limit(chunkSize).forUpdate().skipLocked()
                .fetch();
        if (chunk.isEmpty()) {
            return 0;
        }
        processor.process(cfg, chunk);
        List<RowN> claimed = new ArrayList<>(chunk.size());
        for (R row : chunk) {
            claimed.add(DSL.row(key.stream().map(row::get).toArray()));
        }
        // count(*) filter (where <pending>) ... where (key) in (..): planned on the key alone. As one where
        // clause, a generic plan may take <pending> for the selective part and scan every pending row
        int left = tx.select(DSL.count().filterWhere(pending)).from(table)
                .where(DSL.row(key.toArray(Field<?>[]::new)).in(claimed)).fetchSingle().value1();
        if (left > 0) {
            throw new IllegalStateException("the processor of the work queue over " + Names.table(table) + " left " + left
                    + " of its " + chunk.size() + " rows pending, so they would be claimed again and again; write each "
                    + "row of the chunk so that it no longer matches pending(" + pending + ") (a status, a timestamp, a "
                    + "delete). The chunk was rolled back");
        }
        return chunk.size();
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public WorkQueue.Report await() {
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the work queue over " + Names.table(table), e);
        }
        RuntimeException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
        List<Long> each = new ArrayList<>();
        for (int w = 0; w < perWorker.length(); w++) {
            each.add(perWorker.get(w));
        }
        return new WorkQueue.Report(rows.get(), chunks.get(), each, Duration.ofNanos(System.nanoTime() - started));
    }
}
