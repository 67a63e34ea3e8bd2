package dev.occ;

import java.util.function.Consumer;
import org.jooq.CheckReturnValue;
import org.jooq.Record;

/**
 * A locked batch, ready to run: its options, then {@link #execute()}.
 *
 * <pre>
 * BatchReport&lt;ResourceRecord&gt; report = db.batchUpdate(RESOURCE)
 *     .set(RESOURCE.NAME, RESOURCE.DATA)
 *     .lockingPolicy(optimistic(RESOURCE.VERSION))
 *     .rows(records)
 *     .chunkSize(1_000)                               // rows per statement, the default
 *     .onProgress(p -&gt; bar.stepTo(p.rowsDone()))
 *     .onRow(row -&gt; { if (row.outcome() == BatchRow.Outcome.STALE) retryLater(row.record()); })
 *     .execute();
 * // update resource set name = b.c0, data = b.c1, version = resource.version + 1
 * //   from unnest(?::int[], ?::int[], ?::text[], ?::jsonb[]) as b(k0, v, c0, c1)
 * //   where resource.id = b.k0 and resource.version = b.v
 * //   returning resource.id, resource.version
 * </pre>
 *
 * <h2>Statements</h2>
 * Each chunk is one statement: every row's key, expected version and values go as one array per
 * column, so the statement's text is the same for every chunk (PostgreSQL plans it once) and a
 * chunk of 10,000 rows binds 4 values, not 40,000. Rows it did not write cost one more query for
 * the whole chunk, which finds each one's version now: {@link BatchRow.Outcome#STALE},
 * {@link BatchRow.Outcome#MISSING} or {@link BatchRow.Outcome#ALREADY_APPLIED}.
 *
 * <h2>Transactions</h2>
 * <ul>
 * <li><b>Collect</b> (the default), outside a transaction: each chunk is a transaction of its own,
 *     run by the {@linkplain #retryPolicy(RetryPolicy) retry policy}, which runs it again after a
 *     deadlock or a serialization failure; rows that were not written are reported, the others
 *     stay written.</li>
 * <li><b>{@linkplain #allOrNothing() All or nothing}</b>, outside a transaction: the whole batch
 *     is one transaction; the first chunk with a stale or missing row rolls it all back and throws
 *     a {@link ConflictException} naming every such row of that chunk.</li>
 * <li>Inside the caller's transaction ({@code transactionResult(cfg -> ...)} and
 *     {@code Occ.using(cfg)}): nothing commits early. All or nothing rolls back to a savepoint taken
 *     when the batch began; retrying is left to whoever runs the caller's transaction.</li>
 * </ul>
 * Until the batch's transaction commits, an {@link BatchRow.Outcome#UPDATED UPDATED} row
 * is what the transaction wrote.
 *
 * <h2>The same row twice</h2>
 * PostgreSQL would update a row that a chunk names twice only once, with either row's values: occ
 * refuses such a chunk before it runs, naming the key and both positions. Across chunks the later
 * row is checked against what the earlier one wrote (most often {@link BatchRow.Outcome#STALE}):
 * finding duplicates across the whole input would take memory that grows with it.
 *
 * <p>A batch is a builder, like jOOQ's statements: use it from one thread, and run it once.
 *
 * @param <R> the table's record type
 */
public interface Batch<R extends Record> {

    /** Rows per statement unless {@link #chunkSize(int)} says otherwise. */
    int DEFAULT_CHUNK_SIZE = 1_000;

    /** Rows that were not written that a report keeps unless {@link #maxReportedRows(int)} says otherwise. */
    int DEFAULT_MAX_REPORTED_ROWS = 10_000;

    /**
     * Rows per statement (and, in collect mode, per transaction); memory is bounded by it.
     *
     * @param rows from 1 to 100,000; {@value #DEFAULT_CHUNK_SIZE} by default
     * @return this batch
     * @throws IllegalArgumentException when {@code rows} is out of range
     */
    @CheckReturnValue
    Batch<R> chunkSize(int rows);

    /**
     * All or nothing: the first chunk with a stale or missing row rolls back the whole batch, and
     * the {@link ConflictException} names every such row of that chunk. Rows found
     * {@linkplain BatchRow.Outcome#ALREADY_APPLIED already applied} are no conflict.
     *
     * @return this batch
     */
    @CheckReturnValue
    Batch<R> allOrNothing();

    /**
     * Called after each chunk (in collect mode outside a transaction: after it committed).
     *
     * @param listener the progress listener, on the calling thread
     * @return this batch
     * @throws NullPointerException when {@code listener} is {@code null}
     */
    @CheckReturnValue
    Batch<R> onProgress(Consumer<? super BatchReport.Progress> listener);

    /**
     * Called for every row with its outcome, in input order within a chunk, after its chunk (as
     * {@link #onProgress(Consumer)}). The report itself keeps only counts and the rows that were not
     * written; a job that needs more per row takes it here.
     *
     * @param listener the row listener, on the calling thread
     * @return this batch
     * @throws NullPointerException when {@code listener} is {@code null}
     */
    @CheckReturnValue
    Batch<R> onRow(Consumer<? super BatchRow<R>> listener);

    /**
     * The retry policy each chunk of a collect-mode batch runs in, outside a transaction.
     *
     * @param policy the policy; {@link RetryPolicy#defaults()} by default
     * @return this batch
     * @throws NullPointerException when {@code policy} is {@code null}
     */
    @CheckReturnValue
    Batch<R> retryPolicy(RetryPolicy policy);

    /**
     * How many of the rows that were not written the report keeps (its counts are always exact,
     * and {@link #onRow(Consumer)} sees every row).
     *
     * @param rows zero or more; {@value #DEFAULT_MAX_REPORTED_ROWS} by default
     * @return this batch
     * @throws IllegalArgumentException when {@code rows} is negative
     */
    @CheckReturnValue
    Batch<R> maxReportedRows(int rows);

    /**
     * Runs the batch.
     *
     * @return what happened to the rows
     * @throws IllegalArgumentException before a chunk's statement runs, for a row of that chunk
     *     that cannot be written: no record, a {@code null} key column or expected version, a value
     *     of the wrong type, a key named twice in the chunk; the message names the row's position
     *     and key, and how many rows earlier chunks wrote
     * @throws ConflictException in {@linkplain #allOrNothing() all-or-nothing} mode, for the first
     *     chunk with stale or missing rows; nothing of the batch is written
     * @throws IllegalStateException when the batch already ran
     * @throws org.jooq.exception.DataAccessException what the database reports otherwise
     */
    BatchReport<R> execute();
}
