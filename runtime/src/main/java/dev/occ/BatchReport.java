package dev.occ;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jooq.Record;

/**
 * What a batch did: counts by outcome, the rows it did not write (up to
 * {@link Batch#maxReportedRows(int)}), and what it cost.
 *
 * <pre>
 * BatchReport&lt;ResourceRecord&gt; report = batch.execute();
 * report.updated();                 // 9,900
 * report.stale();                   // 100
 * for (BatchRow&lt;ResourceRecord&gt; r : report.notWritten()) {
 *     log.info("{}: {} (expected version {}, found {})", r.key(), r.outcome(), r.expectedVersion(), r.actualVersion());
 * }
 * </pre>
 *
 * @param <R> the table's record type
 * @param rows rows in the input
 * @param updated rows updated
 * @param deleted rows deleted
 * @param stale rows not written because their version moved on
 * @param missing rows not written because no row has their key
 * @param alreadyApplied rows not written because they already held the batch's values
 * @param notWritten the stale, missing and already applied rows, in input order, at most
 *     {@link Batch#maxReportedRows(int)}
 * @param chunks chunks run
 * @param statements statements run: one per chunk, one more for a chunk with rows it did not
 *     write, and the savepoint of an all-or-nothing batch inside a transaction
 * @param elapsed time from the start of {@code execute()} to its end
 */
public record BatchReport<R extends Record>(long rows, long updated, long deleted, long stale, long missing,
        long alreadyApplied, List<BatchRow<R>> notWritten, long chunks, long statements, Duration elapsed) {

    /**
     * A report; {@code notWritten} is copied.
     *
     * @throws NullPointerException when {@code notWritten} or {@code elapsed} is {@code null}
     */
    public BatchReport {
        notWritten = List.copyOf(notWritten);
        Objects.requireNonNull(elapsed, "elapsed cannot be null");
    }

    /**
     * Progress of a batch, after each chunk.
     *
     * @param rowsDone rows of the chunks run so far
     * @param written rows updated or deleted so far
     * @param notWritten rows stale, missing or already applied so far
     * @param chunksDone chunks run so far
     */
    public record Progress(long rowsDone, long written, long notWritten, long chunksDone) {
    }

    /** @return rows that were not written because they were stale or missing (already applied ones are not counted) */
    public long conflicts() {
        return stale + missing;
    }

    /** @return rows that were not written but are left out of {@link #notWritten()} */
    public long notWrittenLeftOut() {
        return stale + missing + alreadyApplied - notWritten.size();
    }

    /** @return rows per second over {@link #elapsed()} */
    public double rowsPerSecond() {
        return elapsed.isZero() ? 0 : rows * 1e9 / elapsed.toNanos();
    }

    /** @return a one-line summary: rows, each count, chunks, statements and rows/s */
    @Override
    public String toString() {
        return String.format("BatchReport[rows=%d, updated=%d, deleted=%d, stale=%d, missing=%d, alreadyApplied=%d, "
                + "chunks=%d, statements=%d, %.0f rows/s]", rows, updated, deleted, stale, missing, alreadyApplied,
                chunks, statements, rowsPerSecond());
    }
}
