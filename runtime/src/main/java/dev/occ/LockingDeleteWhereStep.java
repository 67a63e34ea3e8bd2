package dev.occ;

import java.util.Collection;
import org.jooq.CheckReturnValue;
import org.jooq.Condition;
import org.jooq.Record;

/**
 * A locked DELETE: name the rows, then choose the locking policy.
 *
 * <pre>
 * db.delete(RESOURCE)
 *   .where(RESOURCE.ID.eq(id))
 *   .lockingPolicy(optimistic(RESOURCE.VERSION, ifMatch))
 *   .execute();
 * </pre>
 *
 * @param <R> the table's record type
 */
public interface LockingDeleteWhereStep<R extends Record> {

    /**
     * Names the rows to delete, usually by primary key.
     *
     * @param condition the condition
     * @return the next step
     */
    @CheckReturnValue
    LockingDeleteConditionStep<R> where(Condition condition);

    /**
     * Names the rows to delete by several conditions, joined with {@code AND}.
     *
     * @param conditions the conditions
     * @return the next step
     */
    @CheckReturnValue
    LockingDeleteConditionStep<R> where(Condition... conditions);

    /**
     * Names the rows to delete by several conditions, joined with {@code AND}.
     *
     * @param conditions the conditions
     * @return the next step
     */
    @CheckReturnValue
    LockingDeleteConditionStep<R> where(Collection<? extends Condition> conditions);
}
