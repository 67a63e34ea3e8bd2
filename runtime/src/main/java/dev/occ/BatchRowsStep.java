package dev.occ;

import java.util.stream.Stream;
import org.jooq.CheckReturnValue;
import org.jooq.Record;

/**
 * The rows of a batch: records of the table, each holding its primary key, the version it was read
 * with and, for an UPDATE, the new values of the set columns. They are read lazily, one chunk at a
 * time, so a {@link Stream} of millions of rows needs memory for one chunk only.
 *
 * <pre>
 * try (Stream&lt;ResourceRecord&gt; rows = ctx.selectFrom(RESOURCE).fetchSize(1000).fetchStream().map(this::reprice)) {
 *     db.batchUpdate(RESOURCE).set(RESOURCE.DATA).lockingPolicy(optimistic(RESOURCE.VERSION)).rows(rows).execute();
 * }
 * </pre>
 *
 * @param <R> the table's record type
 */
public interface BatchRowsStep<R extends Record> {

    /**
     * The rows, from a collection or anything else iterable.
     *
     * @param rows the records
     * @return the options and {@code execute()}
     * @throws NullPointerException when {@code rows} is {@code null} (a {@code null} record fails
     *     when its chunk is read, naming its position)
     */
    @CheckReturnValue
    Batch<R> rows(Iterable<? extends R> rows);

    /**
     * The rows, from a stream read lazily; {@code execute()} closes it.
     *
     * @param rows the records
     * @return the options and {@code execute()}
     * @throws NullPointerException when {@code rows} is {@code null}
     */
    @CheckReturnValue
    Batch<R> rows(Stream<? extends R> rows);
}
