package dev.occ;

import java.util.Collection;
import org.jooq.CheckReturnValue;
import org.jooq.Condition;
import org.jooq.Record;

/**
 * The {@code WHERE} clause of a locked UPDATE, as jOOQ's {@code UpdateWhereStep}: name the rows to
 * update, usually by primary key. There is no {@code execute()} before it: a locked update targets
 * identified rows.
 *
 * <pre>
 * db.update(RESOURCE)
 *   .set(RESOURCE.NAME, "renamed")
 *   .where(RESOURCE.ID.eq(id))                               // this step
 *   .lockingPolicy(optimistic(RESOURCE.VERSION, expected))
 *   .execute();
 * </pre>
 *
 * @param <R> the table's record type
 */
public interface LockingUpdateWhereStep<R extends Record> {

    /**
     * Names the rows to update, usually by primary key.
     *
     * @param condition the condition
     * @return the next step
     * @throws NullPointerException when {@code condition} is {@code null}
     */
    @CheckReturnValue
    LockingUpdateConditionStep<R> where(Condition condition);

    /**
     * Names the rows to update by several conditions, joined with {@code AND}.
     *
     * @param conditions the conditions
     * @return the next step
     */
    @CheckReturnValue
    LockingUpdateConditionStep<R> where(Condition... conditions);

    /**
     * Names the rows to update by several conditions, joined with {@code AND}.
     *
     * @param conditions the conditions
     * @return the next step
     */
    @CheckReturnValue
    LockingUpdateConditionStep<R> where(Collection<? extends Condition> conditions);
}
