package dev.occ;

import dev.occ.internal.WorkQueueRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jooq.CheckReturnValue;
import org.jooq.Condition;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.OrderField;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * A work queue over a table, with PostgreSQL as its only coordinator: workers (threads here, and
 * processes anywhere that reach the database) claim chunks of pending rows with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED}, process and write them in the claiming transaction, and
 * commit. No row is claimed by two workers at once, so each is processed once; a worker that dies
 * (killed, connection lost) loses nothing: its transaction rolls back, its locks go, and another
 * worker claims those rows. The queue is empty, and a run without an {@linkplain Builder#idleWait
 * idle wait} ends, when no row is pending any more: while other workers hold chunks, a worker that
 * finds nothing to claim waits and looks again, so that it takes over the chunk of a worker that dies.
 *
 * <pre>
 * WorkQueue&lt;ResourceRecord&gt; queue = WorkQueue.builder(RESOURCE)
 *     .pending(RESOURCE.NAME.startsWith("todo"))    // what is left to do
 *     .orderBy(RESOURCE.ID)
 *     .chunkSize(100)
 *     .build();
 * WorkQueue.Report report = queue.run(ctx, 4, (cfg, chunk) -&gt; {
 *     for (ResourceRecord r : chunk) {
 *         cfg.dsl().update(RESOURCE).set(RESOURCE.NAME, "done " + r.getName()).where(RESOURCE.ID.eq(r.getId())).execute();
 *     }
 * });
 * // select * from resource where name like 'todo%' order by id limit 100 for update skip locked
 * </pre>
 *
 * <p>The processor must write each row of its chunk so that it is no longer pending (a status, a
 * timestamp, a deletion): the queue checks it in the same transaction, before the commit, and
 * fails the chunk otherwise, since such rows would be claimed again and again. A built queue is
 * immutable and thread-safe; run it as often as you like.
 *
 * @param <R> the record type of the queue's table
 */
public final class WorkQueue<R extends Record> {

    /** What processes one claimed chunk, in the claiming transaction. */
    @FunctionalInterface
    public interface Processor<R extends Record> {

        /**
         * Processes the chunk and writes its rows, so that none of them is pending any more.
         *
         * @param cfg the claiming transaction's configuration: write with {@code cfg.dsl()} or
         *     {@code Occ.using(cfg)}
         * @param chunk the claimed rows, locked by this transaction
         * @throws Exception anything: the chunk's transaction rolls back, and the worker stops with it
         */
        void process(Configuration cfg, Result<R> chunk) throws Exception;
    }

    /**
     * Progress of a run, as a progress listener sees it after each committed chunk.
     *
     * @param worker the worker that committed the chunk, from 0
     * @param chunkRows the rows of that chunk
     * @param rowsDone the rows all workers of this run committed so far
     * @param chunksDone the chunks all workers of this run committed so far
     */
    public record Progress(int worker, int chunkRows, long rowsDone, long chunksDone) {
    }

    /**
     * What a run did.
     *
     * @param rows the rows processed and committed
     * @param chunks the chunks committed
     * @param rowsPerWorker the rows each worker committed, by worker
     * @param elapsed how long the run took
     */
    public record Report(long rows, long chunks, List<Long> rowsPerWorker, Duration elapsed) {

        /** Copies the list. */
        public Report {
            rowsPerWorker = List.copyOf(rowsPerWorker);
        }
    }

    /** A run in progress: stop it cleanly, or wait for it. */
    public interface Run {

        /** Asks every worker to stop after its current chunk; returns at once. */
        void stop();

        /**
         * Waits until every worker has stopped: the queue was empty (without an
         * {@linkplain Builder#idleWait idle wait}), or {@link #stop()} was called.
         *
         * @return the report
         * @throws RuntimeException the first failure of a worker (the others stop after their chunk)
         * @throws IllegalStateException when interrupted while waiting (the thread stays interrupted)
         */
        Report await();
    }

    private final Table<R> table;
    private final Condition pending;
    private final List<OrderField<?>> order;
    private final int chunkSize;
    private final @Nullable Duration idleWait;
    private final @Nullable Consumer<Progress> onProgress;

    private WorkQueue(Builder<R> b) {
        this.table = b.table;
        this.pending = b.pending;
        this.order = List.copyOf(b.order);
        this.chunkSize = b.chunkSize;
        this.idleWait = b.idleWait;
        this.onProgress = b.onProgress;
    }

    /**
     * A builder for a queue over {@code table}.
     *
     * @param <R> the table's record type
     * @param table the table whose rows are the work
     * @return the builder
     * @throws NullPointerException when {@code table} is {@code null}
     */
    public static <R extends Record> Builder<R> builder(Table<R> table) {
        return new Builder<>(Objects.requireNonNull(table, "table cannot be null"));
    }

    /**
     * Starts {@code workers} worker threads on {@code ctx}, each claiming, processing and committing
     * chunks until the queue is empty (or, with an idle wait, until {@link Run#stop()}).
     *
     * @param ctx the context whose connection provider gives each transaction its connection (a
     *     data source or pool with at least {@code workers} connections, not one shared connection)
     * @param workers the number of worker threads, at least 1
     * @param processor what processes each chunk
     * @return the run
     * @throws NullPointerException when an argument is {@code null}
     * @throws IllegalArgumentException when {@code workers} is less than 1
     */
    public Run start(DSLContext ctx, int workers, Processor<R> processor) {
        Objects.requireNonNull(ctx, "ctx cannot be null");
        Objects.requireNonNull(processor, "processor cannot be null");
        if (workers < 1) {
            throw new IllegalArgumentException("workers cannot be less than 1, but is " + workers);
        }
        return new WorkQueueRun<>(ctx, table, pending, order, chunkSize, idleWait, onProgress, workers, processor);
    }

    /**
     * Runs the queue until it is empty: {@link #start} and {@link Run#await()}.
     *
     * @param ctx the context, see {@link #start}
     * @param workers the number of worker threads, at least 1
     * @param processor what processes each chunk
     * @return the report
     * @throws RuntimeException the first failure of a worker
     */
    public Report run(DSLContext ctx, int workers, Processor<R> processor) {
        return start(ctx, workers, processor).await();
    }

    @Override
    public String toString() {
        return "WorkQueue[" + table.getName() + " where " + pending + ", chunkSize=" + chunkSize + "]";
    }

    /**
     * Builds a {@link WorkQueue}; {@link #build()} copies the settings.
     *
     * @param <R> the table's record type
     */
    public static final class Builder<R extends Record> {

        private final Table<R> table;
        private Condition pending = DSL.noCondition();
        private final List<OrderField<?>> order = new ArrayList<>();
        private int chunkSize = 100;
        private @Nullable Duration idleWait;
        private @Nullable Consumer<Progress> onProgress;

        private Builder(Table<R> table) {
            this.table = table;
        }

        /**
         * What "pending" means: the rows still to do. Processing a row must make it not pending.
         *
         * @param condition the condition; without one every row is pending
         * @return this builder
         * @throws NullPointerException when {@code condition} is {@code null}
         */
        @CheckReturnValue
        public Builder<R> pending(Condition condition) {
            this.pending = Objects.requireNonNull(condition, "condition cannot be null");
            return this;
        }

        /**
         * The order in which pending rows are claimed, for example by key; unordered by default.
         *
         * @param fields the sort fields
         * @return this builder
         */
        @CheckReturnValue
        public Builder<R> orderBy(OrderField<?>... fields) {
            order.clear();
            order.addAll(List.of(fields));
            return this;
        }

        /**
         * How many rows a worker claims and processes in one transaction.
         *
         * @param rows at least 1; 100 by default
         * @return this builder
         * @throws IllegalArgumentException when {@code rows} is less than 1
         */
        @CheckReturnValue
        public Builder<R> chunkSize(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("chunkSize cannot be less than 1, but is " + rows);
            }
            this.chunkSize = rows;
            return this;
        }

        /**
         * Keeps workers waiting for new rows when the queue is empty, looking again after {@code wait},
         * until the run is {@linkplain Run#stop() stopped}; by default a worker stops when it finds the
         * queue empty.
         *
         * @param wait positive; {@code null} to stop when empty
         * @return this builder
         * @throws IllegalArgumentException when {@code wait} is zero or negative
         */
        @CheckReturnValue
        public Builder<R> idleWait(@Nullable Duration wait) {
            if (wait != null && (wait.isZero() || wait.isNegative())) {
                throw new IllegalArgumentException("idleWait cannot be zero or negative, but is " + wait);
            }
            this.idleWait = wait;
            return this;
        }

        /**
         * A listener called after each committed chunk, on the worker's thread.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException when {@code listener} is {@code null}
         */
        @CheckReturnValue
        public Builder<R> onProgress(Consumer<Progress> listener) {
            this.onProgress = Objects.requireNonNull(listener, "listener cannot be null");
            return this;
        }

        /**
         * Builds the immutable queue.
         *
         * @return the queue
         * @throws IllegalArgumentException when the table has no primary key
         */
        public WorkQueue<R> build() {
            if (table.getPrimaryKey() == null) {
                throw new IllegalArgumentException("WorkQueue over " + table.getName() + " checks that processed rows "
                        + "are no longer pending by their primary key, but the table has none; add one");
            }
            return new WorkQueue<>(this);
        }
    }
}
