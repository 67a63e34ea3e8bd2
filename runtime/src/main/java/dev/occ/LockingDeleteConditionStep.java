package dev.occ;

import org.jooq.CheckReturnValue;
import org.jooq.Condition;
import org.jooq.Record;

/**
 * A locked DELETE with its where clause: add conditions, then choose the locking policy.
 *
 * @param <R> the table's record type
 */
public interface LockingDeleteConditionStep<R extends Record> {

    /**
     * Adds a condition with {@code AND}.
     *
     * @param condition the condition
     * @return this step
     */
    @CheckReturnValue
    LockingDeleteConditionStep<R> and(Condition condition);

    /**
     * Adds a condition with {@code OR}.
     *
     * @param condition the condition
     * @return this step
     */
    @CheckReturnValue
    LockingDeleteConditionStep<R> or(Condition condition);

    /**
     * Applies a locking policy, which completes the statement.
     *
     * @param policy the policy, on a column of the table
     * @return the executable statement
     * @throws NullPointerException when {@code policy} is {@code null}
     * @throws IllegalArgumentException when the policy's column belongs to another table, or the
     *     where clause does not name one row by its primary key (every key column {@code =} a value,
     *     at the top level of an {@code AND}), or names another row than the policy's record
     */
    @CheckReturnValue
    LockedDelete<R> lockingPolicy(LockingPolicy<R> policy);
}
