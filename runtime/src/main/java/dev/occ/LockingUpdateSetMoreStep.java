package dev.occ;

import java.util.Collection;
import org.jooq.Condition;
import org.jooq.Record;

/**
 * A locked UPDATE after at least one {@code set(..)}: set more columns, or name the rows with
 * {@code where(..)}. There is no {@code execute()} here: a locked update targets identified rows.
 *
 * @param <R> the table's record type
 */
public interface LockingUpdateSetMoreStep<R extends Record> extends LockingUpdateSetFirstStep<R> {

    /**
     * Names the rows to update, usually by primary key.
     *
     * @param condition the condition
     * @return the next step
     */
    LockingUpdateConditionStep<R> where(Condition condition);

    /**
     * Names the rows to update by several conditions, joined with {@code AND}.
     *
     * @param conditions the conditions
     * @return the next step
     */
    LockingUpdateConditionStep<R> where(Condition... conditions);

    /**
     * Names the rows to update by several conditions, joined with {@code AND}.
     *
     * @param conditions the conditions
     * @return the next step
     */
    LockingUpdateConditionStep<R> where(Collection<? extends Condition> conditions);
}
