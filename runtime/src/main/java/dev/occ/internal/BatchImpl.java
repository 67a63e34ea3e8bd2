package dev.occ.internal;

import dev.occ.Batch;
import dev.occ.BatchLockingStep;
import dev.occ.BatchReport;
import dev.occ.BatchRow;
import dev.occ.BatchRowsStep;
import dev.occ.BatchUpdateSetStep;
import dev.occ.ConflictException;
import dev.occ.LockingPolicy;
import dev.occ.RetryPolicy;
import dev.occ.internal.retry.EnclosingTransaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jspecify.annotations.Nullable;

/**
 * [occ#12] The one implementation of every step of a locked batch, and its run: chunks read lazily
 * from the input, each checked before its statement runs, run in the transaction the mode asks for,
 * and reported row by row.
 */
public final class BatchImpl<R extends Record>
        implements BatchUpdateSetStep<R>, BatchLockingStep<R>, BatchRowsStep<R>, Batch<R> {

    /** The largest chunk: its arrays are built in memory. */
    static final int MAX_CHUNK_SIZE = 100_000;

    /** Rows of a chunk an all-or-nothing conflict's message lists; {@code rows()} has them all. */
    private static final int LISTED = 20;

    private final DSLContext ctx;
    private final Table<R> table;
    private final boolean delete;
    private final List<TableField<R, ?>> key;
    private List<TableField<R, ?>> columns = List.of();
    private @Nullable BatchStatement<R> statement;
    private @Nullable Iterable<? extends R> iterable;
    private @Nullable Stream<? extends R> stream;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private boolean allOrNothing;
    private @Nullable Consumer<? super BatchReport.Progress> onProgress;
    private @Nullable Consumer<? super BatchRow<R>> onRow;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private int maxReportedRows = DEFAULT_MAX_REPORTED_ROWS;
    private boolean executed;

    /** Starts a batch update. */
    public static <R extends Record> BatchUpdateSetStep<R> update(DSLContext ctx, Table<R> table) {
        return new BatchImpl<>(ctx, table, false);
    }

    /** Starts a batch delete. */
    public static <R extends Record> BatchLockingStep<R> delete(DSLContext ctx, Table<R> table) {
        return new BatchImpl<>(ctx, table, true);
    }

    private BatchImpl(DSLContext ctx, Table<R> table, boolean delete) {
        this.ctx = ctx;
        this.table = Objects.requireNonNull(table, "table cannot be null");
        this.delete = delete;
        UniqueKey<R> pk = table.getPrimaryKey();
        if (pk == null) {
            throw new IllegalArgumentException("batch " + verb() + " of " + Names.table(table) + ": the table has no "
                    + "primary key, so a row of the batch cannot name the one row it writes; add one (alter table "
                    + Names.table(table) + " add primary key (..)) and regenerate");
        }
        this.key = List.copyOf(pk.getFields());
    }

    private String verb() {
        return delete ? "delete" : "update";
    }

    @Override
    public BatchLockingStep<R> set(Field<?>... columns) {
        return set(Arrays.asList(Objects.requireNonNull(columns, "columns cannot be null")));
    }

    @Override
    @SuppressWarnings("unchecked")
    public BatchLockingStep<R> set(Collection<? extends Field<?>> columns) {
        Objects.requireNonNull(columns, "columns cannot be null");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("batch update of " + Names.table(table) + ": set(..) names no column; "
                    + "name the columns every row writes, such as set(" + table.getName().toUpperCase() + ".NAME)");
        }
        Set<TableField<R, ?>> set = new LinkedHashSet<>();
        for (Field<?> column : columns) {
            Objects.requireNonNull(column, "columns cannot contain null");
            if (!(column instanceof TableField<?, ?> tf) || !table.equals(tf.getTable())) {
                throw new IllegalArgumentException("batch update of " + Names.table(table) + ": " + Names.column(column)
                        + " is not a column of " + Names.table(table) + "; set columns of the table the batch writes");
            }
            if (key.contains(tf)) {
                throw new IllegalArgumentException("batch update of " + Names.table(table) + ": " + Names.column(column)
                        + " is a primary key column, which names the row each record writes; a batch cannot change "
                        + "it. Leave it out of set(..)");
            }
            if (!set.add((TableField<R, ?>) tf)) {
                throw new IllegalArgumentException("batch update of " + Names.table(table) + ": set(..) names "
                        + Names.column(column) + " twice; name each column once");
            }
        }
        this.columns = List.copyOf(set);
        return this;
    }

    @Override
    public BatchRowsStep<R> lockingPolicy(LockingPolicy<R> policy) {
        Objects.requireNonNull(policy, "policy cannot be null");
        if (!(policy instanceof OriginalVersionPolicy<R> each)) {
            throw new IllegalArgumentException("batch " + verb() + " of " + Names.table(table) + " takes "
                    + "optimistic(VERSION), with no value: each row's expected version is the one its record holds. "
                    + policy + " names one version for every row; write lockingPolicy(optimistic("
                    + table.getName().toUpperCase() + ".VERSION))");
        }
        TableField<R, ?> version = each.versionField();
        OptimisticPolicy.checkTable(each, version, table, "the batch");
        OptimisticPolicy.versionKind(version);
        if (columns.contains(version)) {
            throw new IllegalArgumentException("batch update of " + Names.table(table) + ": set(..) names the version "
                    + "column " + Names.column(version) + ", which occ moves on itself; leave it out of set(..)");
        }
        this.statement = new BatchStatement<>(table, key, version, columns, delete);
        return this;
    }

    @Override
    public Batch<R> rows(Iterable<? extends R> rows) {
        this.iterable = Objects.requireNonNull(rows, "rows cannot be null");
        return this;
    }

    @Override
    public Batch<R> rows(Stream<? extends R> rows) {
        this.stream = Objects.requireNonNull(rows, "rows cannot be null");
        return this;
    }

    @Override
    public Batch<R> chunkSize(int rows) {
        if (rows < 1 || rows > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize cannot be " + (rows < 1 ? "less than 1" : "more than "
                    + MAX_CHUNK_SIZE) + " rows, was " + rows);
        }
        this.chunkSize = rows;
        return this;
    }

    @Override
    public Batch<R> allOrNothing() {
        this.allOrNothing = true;
        return this;
    }

    @Override
    public Batch<R> onProgress(Consumer<? super BatchReport.Progress> listener) {
        this.onProgress = Objects.requireNonNull(listener, "listener cannot be null");
        return this;
    }

    @Override
    public Batch<R> onRow(Consumer<? super BatchRow<R>> listener) {
        this.onRow = Objects.requireNonNull(listener, "listener cannot be null");
        return this;
    }

    @Override
    public Batch<R> retryPolicy(RetryPolicy policy) {
        this.retryPolicy = Objects.requireNonNull(policy, "policy cannot be null");
        return this;
    }

    @Override
    public Batch<R> maxReportedRows(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("maxReportedRows cannot be negative, was " + rows);
        }
        this.maxReportedRows = rows;
        return this;
    }

    @Override
    public BatchReport<R> execute() {
        if (executed) {
            throw new IllegalStateException("this batch " + verb() + " of " + Names.table(table) + " already ran; "
                    + "its rows were read. Build a new batch to run again");
        }
        executed = true;
        BatchStatement<R> s = Objects.requireNonNull(statement, "lockingPolicy(..) was not called");
        try (Stream<? extends R> closing = stream) {
            Iterator<? extends R> rows = stream != null ? stream.iterator() : Objects.requireNonNull(iterable).iterator();
            Run run = new Run(s, rows);
            String enclosing = EnclosingTransaction.of(ctx.configuration());
            if (enclosing != null) {
                run.inTransaction(ctx);
            } else if (allOrNothing) {
                ctx.transaction(cfg -> run.all(cfg.dsl()));
            } else {
                run.chunkByChunk();
            }
            return run.report();
        }
    }

    /** One execution: the input, the chunk being read, and the counts. */
    private final class Run {
        private final BatchStatement<R> statement;
        private final Iterator<? extends R> rows;
        private final BatchChunk<R> chunk;
        private final Map<Object, Long> positions;
        private final Object[] values;
        private final List<TableField<R, ?>> arrayColumns;
        private final long started = System.nanoTime();
        private long read;
        private long chunks;
        private long statements;
        private final long[] counts = new long[BatchRow.Outcome.values().length];
        private final List<BatchRow<R>> notWritten = new ArrayList<>();

        Run(BatchStatement<R> statement, Iterator<? extends R> rows) {
            this.statement = statement;
            this.rows = rows;
            this.arrayColumns = statement.arrayColumns();
            this.chunk = new BatchChunk<>(chunkSize, arrayColumns.size(), key.size());
            this.positions = BatchStatement.keyPositions(chunkSize);
            this.values = new Object[arrayColumns.size()];
            this.index = new int[values.length];
        }

        /** Collect mode outside a transaction: each chunk a transaction of its own, retried as the policy says. */
        void chunkByChunk() {
            while (next()) {
                BatchStatement.Outcomes outcomes = retryPolicy.transactionResult(ctx, cfg -> statement.run(cfg.dsl(), chunk));
                report(outcomes);
            }
        }

        /** All or nothing in the batch's own transaction: a conflict throws, which rolls it all back. */
        void all(DSLContext tx) {
            while (next()) {
                BatchStatement.Outcomes outcomes = statement.run(tx, chunk);
                failOnConflict(outcomes);
                report(outcomes);
            }
        }

        /** Inside the caller's transaction: nothing commits; all or nothing rolls back to a savepoint. */
        void inTransaction(DSLContext tx) {
            if (!allOrNothing) {
                while (next()) {
                    report(statement.run(tx, chunk));
                }
                return;
            }
            tx.execute("savepoint occ_batch");
            statements++;
            try {
                all(tx);
            } catch (RuntimeException e) {
                tx.execute("rollback to savepoint occ_batch");
                statements++;
                throw e;
            }
            tx.execute("release savepoint occ_batch");
            statements++;
        }

        /** Reads the next chunk and checks each of its rows; {@code false} at the end of the input. */
        boolean next() {
            chunk.clear(read);
            positions.clear();
            while (!chunk.isFull() && rows.hasNext()) {
                R record = rows.next();
                long position = read++;
                if (record == null) {
                    throw badRow(position, null, "is null; every row of a batch is a record of " + Names.table(table));
                }
                for (int c = 0; c < values.length; c++) {
                    TableField<R, ?> column = arrayColumns.get(c);
                    Object value = value(record, c, column);
                    boolean isKey = c < key.size();
                    boolean isVersion = c == key.size();
                    if (value == null && isKey) {
                        throw badRow(position, null, "has no value for key column " + Names.column(column)
                                + "; a row of a batch names its row by the primary key");
                    }
                    if (value == null && isVersion) {
                        throw badRow(position, record, "has no value for version column " + Names.column(column)
                                + "; each row brings the version it was read with (read it from the database, "
                                + "or insert new rows instead)");
                    }
                    if (value != null && !column.getType().isInstance(value)) {
                        throw badRow(position, isKey ? null : record, "holds " + value + ", a "
                                + value.getClass().getName() + ", for column " + Names.column(column) + ", which holds "
                                + column.getType().getName() + " values; pass a " + column.getType().getSimpleName());
                    }
                    values[c] = value;
                }
                Object keyValue = key.size() == 1 ? values[0] : List.of(Arrays.copyOf(values, key.size()));
                Long earlier = positions.putIfAbsent(keyValue, position);
                if (earlier != null) {
                    throw badRow(position, record, "names the same row as the row at position " + earlier
                            + " of the same chunk; PostgreSQL would write it once, with either row's values. Give "
                            + "each row of a batch once (keep the last change of a row, or merge them)");
                }
                chunk.add(record, values);
            }
            return chunk.size() > 0;
        }

        /** Where each column was in the last record: records of one table have their fields in one order. */
        private final int[] index;

        /** A column's value, by its index in the record where the record has it there (faster than by field). */
        private Object value(R record, int c, TableField<R, ?> column) {
            int i = index[c];
            if (i < record.size() && record.field(i) == column) {
                return record.get(i);
            }
            index[c] = Math.max(0, record.indexOf(column));
            return record.get(column);
        }

        private IllegalArgumentException badRow(long position, @Nullable R record, String problem) {
            String row = "the row at position " + position + (record == null ? "" : " (" + Names.key(record, key) + ")");
            long done = counts[BatchRow.Outcome.UPDATED.ordinal()] + counts[BatchRow.Outcome.DELETED.ordinal()];
            return new IllegalArgumentException("batch " + verb() + " of " + Names.table(ctx, table) + ": " + row + " "
                    + problem + ". Nothing of its chunk (from position " + chunk.first() + ") ran; the " + chunks
                    + " chunks before it wrote " + done + " rows" + (allOrNothing ? ", which were rolled back" : ""));
        }

        /** All or nothing: names every row of the chunk that is stale or missing, and throws. */
        private void failOnConflict(BatchStatement.Outcomes outcomes) {
            List<ConflictException.Row> conflicts = new ArrayList<>();
            boolean stale = false;
            for (int i = 0; i < chunk.size(); i++) {
                BatchRow.Outcome outcome = outcomes.outcome[i];
                if (!outcome.applied()) {
                    stale |= outcome == BatchRow.Outcome.STALE;
                    conflicts.add(new ConflictException.Row(Names.key(chunk.record(i), key), chunk.expected(i),
                            outcomes.actual[i]));
                }
            }
            if (conflicts.isEmpty()) {
                return;
            }
            TableField<R, ?> version = arrayColumns.get(key.size());
            String listed = conflicts.stream().limit(LISTED).map(r -> "(" + r.key() + ") " + (r.actualVersion() == null
                    ? "missing" : version.getName() + " = " + r.actualVersion()) + " (expected " + r.expectedVersion() + ")")
                    .collect(Collectors.joining(", "));
            throw new ConflictException(stale ? ConflictException.Kind.VERSION_CHANGED : ConflictException.Kind.ROW_GONE,
                    table, version, conflicts, "Conflict in batch " + verb() + " of " + Names.table(ctx, table)
                            + ", all or nothing: " + conflicts.size() + " of the " + chunk.size() + " rows of the chunk "
                            + "from position " + chunk.first() + " were changed or deleted since they were read: " + listed
                            + (conflicts.size() > LISTED ? " and " + (conflicts.size() - LISTED) + " more (see rows())"
                                    : "") + ". Nothing of the batch was written; re-read the rows and run it again");
        }

        /**
         * Counts a chunk's rows, keeps those not written, tells the listeners. The input records stay as
         * they are: setting a value on a record that is not attached to a configuration costs jOOQ a
         * copy of its default settings (about 1.5 KB), more than the batch spends on the row otherwise.
         */
        private void report(BatchStatement.Outcomes outcomes) {
            chunks++;
            statements += outcomes.statements;
            for (int i = 0; i < chunk.size(); i++) {
                BatchRow.Outcome outcome = outcomes.outcome[i];
                counts[outcome.ordinal()]++;
                R record = chunk.record(i);
                boolean keep = outcome != BatchRow.Outcome.UPDATED && outcome != BatchRow.Outcome.DELETED
                        && notWritten.size() < maxReportedRows;
                if (keep || onRow != null) {
                    BatchRow<R> row = new BatchRow<>(chunk.first() + i, Names.key(record, key), record, outcome,
                            chunk.expected(i), outcomes.actual[i]);
                    if (keep) {
                        notWritten.add(row);
                    }
                    if (onRow != null) {
                        onRow.accept(row);
                    }
                }
            }
            if (onProgress != null) {
                long written = counts[BatchRow.Outcome.UPDATED.ordinal()] + counts[BatchRow.Outcome.DELETED.ordinal()];
                onProgress.accept(new BatchReport.Progress(read, written, read - written, chunks));
            }
        }

        BatchReport<R> report() {
            return new BatchReport<>(read, count(BatchRow.Outcome.UPDATED), count(BatchRow.Outcome.DELETED),
                    count(BatchRow.Outcome.STALE), count(BatchRow.Outcome.MISSING),
                    count(BatchRow.Outcome.ALREADY_APPLIED), notWritten, chunks, statements,
                    Duration.ofNanos(System.nanoTime() - started));
        }

        private long count(BatchRow.Outcome outcome) {
            return counts[outcome.ordinal()];
        }
    }

    @Override
    public String toString() {
        return "batch " + verb() + " of " + Names.table(table) + (columns.isEmpty() ? "" : " set " + columns.stream()
                .map(Field::getName).collect(Collectors.joining(", ")));
    }
}
