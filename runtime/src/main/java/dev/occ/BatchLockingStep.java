package dev.occ;

import org.jooq.CheckReturnValue;
import org.jooq.Record;

/**
 * The locking policy of a batch: {@link Occ#optimistic(org.jooq.TableField) optimistic(VERSION)},
 * where each row's expected version is the one its record holds (the version it was read with).
 *
 * <pre>
 * Occ.using(ctx).batchDelete(RESOURCE).lockingPolicy(optimistic(RESOURCE.VERSION)).rows(records).execute();
 * </pre>
 *
 * @param <R> the table's record type
 */
public interface BatchLockingStep<R extends Record> {

    /**
     * Locks each row on its own version.
     *
     * @param policy {@code optimistic(VERSION)}, with no value: every row brings its own
     * @return the next step
     * @throws NullPointerException when {@code policy} is {@code null}
     * @throws IllegalArgumentException when the policy is another one, or on a column of another table
     */
    @CheckReturnValue
    BatchRowsStep<R> lockingPolicy(LockingPolicy<R> policy);
}
