/**
 * occ's API: optimistic concurrency control for jOOQ on PostgreSQL, as one more step of jOOQ's DSL.
 * Everything a user of occ touches is in this package; the machinery is in {@code dev.occ.internal},
 * which the module does not export.
 *
 * <pre>
 * import static dev.occ.Occ.optimistic;
 *
 * ResourceRecord updated = Occ.using(ctx)                 // a LockingDSLContext over a jOOQ context
 *     .update(RESOURCE)
 *     .set(RESOURCE.NAME, "renamed")
 *     .where(RESOURCE.ID.eq(id))
 *     .lockingPolicy(optimistic(RESOURCE.VERSION, ifMatch))
 *     .returning()
 *     .fetchOne();                                        // the row as stored, with its new version
 * // update "public"."resource" set "name" = ?, "version" = ("public"."resource"."version" + 1)
 * //   where ("public"."resource"."id" = ? and "public"."resource"."version" = ?) returning ...
 * </pre>
 *
 * <ul>
 * <li>The entry point: {@link dev.occ.Occ} ({@code using(..)}, the policies {@code optimistic(..)},
 *     {@code compareAndSet(..)}, {@code everyRow(..)} and {@code pessimistic(..)}) and
 *     {@link dev.occ.LockingDSLContext} (locked statements, and locked reads with
 *     {@code fetchLocked(..)}).</li>
 * <li>The steps, as jOOQ's: {@link dev.occ.LockingUpdateSetFirstStep},
 *     {@link dev.occ.LockingUpdateSetMoreStep}, {@link dev.occ.LockingUpdateWhereStep},
 *     {@link dev.occ.LockingUpdateConditionStep}, {@link dev.occ.LockedUpdate},
 *     {@link dev.occ.LockedUpdateResultStep}; {@link dev.occ.LockingDeleteWhereStep},
 *     {@link dev.occ.LockingDeleteConditionStep}, {@link dev.occ.LockedDelete}.</li>
 * <li>Policies: {@link dev.occ.LockingPolicy}, {@link dev.occ.PessimisticPolicy}; conflicts:
 *     {@link dev.occ.ConflictException}, {@link dev.occ.LockNotAvailableException}.</li>
 * <li>What occ's code generator puts on generated classes: {@link dev.occ.VersionedTable},
 *     {@link dev.occ.VersionedRecord}, {@link dev.occ.VersionKind}.</li>
 * <li>Re-running a unit of work on conflicts: {@link dev.occ.RetryPolicy}, {@link dev.occ.RetryEvent}.</li>
 * <li>Many rows per statement, an outcome for each: {@link dev.occ.LockingDSLContext#batchUpdate}
 *     and {@code batchDelete}, their steps {@link dev.occ.BatchUpdateSetStep},
 *     {@link dev.occ.BatchLockingStep}, {@link dev.occ.BatchRowsStep}, {@link dev.occ.Batch}, and what
 *     they report, {@link dev.occ.BatchReport} and {@link dev.occ.BatchRow}.</li>
 * <li>Locking that adapts to contention: {@link dev.occ.AdaptiveLocking}, {@link dev.occ.AdaptiveEvent}.</li>
 * <li>Batch work across threads and processes: {@link dev.occ.WorkQueue}.</li>
 * </ul>
 *
 * <p>Everything here is non-null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.occ;

import org.jspecify.annotations.NullMarked;
