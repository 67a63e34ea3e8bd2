package dev.occ;

import java.util.Collection;
import org.jooq.CheckReturnValue;
import org.jooq.Field;
import org.jooq.Record;

/**
 * The first step of a locked batch UPDATE: the columns every row writes, each to the value its own
 * record holds.
 *
 * <pre>
 * BatchReport&lt;ResourceRecord&gt; report = Occ.using(ctx)
 *     .batchUpdate(RESOURCE)
 *     .set(RESOURCE.NAME, RESOURCE.DATA)              // the columns every row writes
 *     .lockingPolicy(optimistic(RESOURCE.VERSION))    // each row's own expected version
 *     .rows(records)
 *     .execute();
 * </pre>
 *
 * <p>Neither a primary key column (it names the row) nor the version column (occ moves it on) can
 * be set.
 *
 * @param <R> the table's record type
 */
public interface BatchUpdateSetStep<R extends Record> {

    /**
     * The columns every row writes.
     *
     * @param columns columns of the batch's table, at least one
     * @return the next step
     * @throws NullPointerException when a column is {@code null}
     * @throws IllegalArgumentException when there is none, one is not a column of the table, is
     *     named twice, is a primary key column or is the version column
     */
    @CheckReturnValue
    BatchLockingStep<R> set(Field<?>... columns);

    /**
     * The columns every row writes, as {@link #set(Field[])}.
     *
     * @param columns columns of the batch's table, at least one
     * @return the next step
     * @throws NullPointerException when a column is {@code null}
     * @throws IllegalArgumentException as {@link #set(Field[])}
     */
    @CheckReturnValue
    BatchLockingStep<R> set(Collection<? extends Field<?>> columns);
}
