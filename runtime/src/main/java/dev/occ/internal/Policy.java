package dev.occ.internal;

import dev.occ.LockingPolicy;
import org.jooq.Record;

/**
 * The one supertype of every locking policy: {@link LockingPolicy} is sealed to it, and each policy
 * turns into a {@link LockPlan} for the statement it is given to. Subclasses live in this package
 * only (the constructor is package-private).
 *
 * @param <R> the record type of the table the policy applies to
 */
public abstract non-sealed class Policy<R extends Record> implements LockingPolicy<R> {

    Policy() {
    }

    /**
     * The policy every {@link LockingPolicy} is: the interface is sealed to this class.
     *
     * @param policy a policy made by {@code Occ}
     * @return the same policy, as what it is
     */
    public static <R extends Record> Policy<R> of(LockingPolicy<R> policy) {
        return (Policy<R>) policy;
    }

    /**
     * The plan for a statement, checked before any SQL runs.
     *
     * @param target the statement
     * @return the plan
     * @throws IllegalArgumentException when the policy cannot apply to the statement
     */
    public abstract LockPlan<R> plan(Target<R> target);
}
