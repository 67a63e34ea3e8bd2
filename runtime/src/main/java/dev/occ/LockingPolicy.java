package dev.occ;

import dev.occ.internal.Policy;
import org.jooq.Record;

/**
 * How a locked UPDATE or DELETE protects the rows it writes against lost updates. A policy is an
 * immutable value made by the static factories of {@link Occ}; give it to
 * {@code lockingPolicy(..)} after the {@code where(..)} clause:
 *
 * <pre>
 * Occ.using(ctx)
 *    .update(RESOURCE)
 *    .set(RESOURCE.NAME, "renamed")
 *    .where(RESOURCE.ID.eq(id))
 *    .lockingPolicy(optimistic(RESOURCE.VERSION, expectedVersion))
 *    .execute();
 * </pre>
 *
 * <p>The policy is typed by the record type of its table, so a policy on {@code PLAYER.VERSION}
 * cannot be given to {@code update(RESOURCE)}. Policies available today:
 * {@link Occ#optimistic(org.jooq.TableField, Object) optimistic(field, expected)},
 * {@link Occ#optimistic(VersionedRecord) optimistic(record)} and
 * {@link Occ#compareAndSet(org.jooq.TableField, Object) compareAndSet(field, expected)},
 * {@link Occ#optimistic(org.jooq.TableField) optimistic(field)} (after {@code set(record)}),
 * {@link Occ#everyRow(LockingPolicy) everyRow(policy)} for several rows on purpose, and the
 * {@linkplain PessimisticPolicy pessimistic} ones, {@link Occ#pessimistic(org.jooq.Table)
 * pessimistic(table)} ({@code FOR UPDATE}, {@code NOWAIT}, {@code SKIP LOCKED}, a wait time), and
 * the policies of an {@link AdaptiveLocking} ({@link Occ#adaptive(org.jooq.Table) adaptive(table)}).
 * The interface is sealed: policies come from {@link Occ} only, so that every statement knows how to
 * run every policy.
 *
 * @param <R> the record type of the table the policy applies to
 */
public sealed interface LockingPolicy<R extends Record> permits Policy, PessimisticPolicy {

    /**
     * A readable form, such as {@code optimistic("public"."resource"."version" = 3)}.
     *
     * @return the description
     */
    @Override
    String toString();
}
