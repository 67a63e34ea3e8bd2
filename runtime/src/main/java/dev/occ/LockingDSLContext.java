package dev.occ;

import org.jooq.CheckReturnValue;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.UpdatableRecord;
import org.jspecify.annotations.Nullable;

/**
 * The entry to occ's locked statements, over a jOOQ {@link DSLContext}. Obtain one with
 * {@link Occ#using(DSLContext)} or {@link Occ#using(org.jooq.Configuration)}; inside
 * {@code ctx.transactionResult(cfg -> ...)} use the transaction's own configuration, so that the
 * locked statements run in the transaction:
 *
 * <pre>
 * ctx.transactionResult(cfg -&gt; {
 *     LockingDSLContext db = Occ.using(cfg);
 *     return db.update(RESOURCE)
 *              .set(RESOURCE.NAME, "renamed")
 *              .where(RESOURCE.ID.eq(id))
 *              .lockingPolicy(optimistic(RESOURCE.VERSION, expectedVersion))
 *              .execute();
 * });
 * </pre>
 *
 * <p>A {@code LockingDSLContext} is immutable and as thread-safe as the {@code DSLContext} it wraps.
 * The statements it starts are builders like jOOQ's own: use each from one thread.
 */
public interface LockingDSLContext {

    /**
     * Starts a locked UPDATE: {@code set(..)}, then {@code where(..)}, then
     * {@code lockingPolicy(..)}.
     *
     * @param <R> the table's record type
     * @param table the table to update
     * @return the first step of the UPDATE
     * @throws NullPointerException when {@code table} is {@code null}
     */
    @CheckReturnValue
    <R extends Record> LockingUpdateSetFirstStep<R> update(Table<R> table);

    /**
     * Starts a locked DELETE: {@code where(..)}, then {@code lockingPolicy(..)}.
     *
     * @param <R> the table's record type
     * @param table the table to delete from
     * @return the first step of the DELETE
     * @throws NullPointerException when {@code table} is {@code null}
     */
    @CheckReturnValue
    <R extends Record> LockingDeleteWhereStep<R> delete(Table<R> table);

    /**
     * A locked read: the rows of {@code table} that {@code condition} names, locked as the policy
     * says until the transaction ends ({@code select ... for update [nowait | skip locked]}). Only
     * inside a transaction; with {@code skipLocked()} only the rows no other transaction holds.
     *
     * <pre>
     * Result&lt;PlayerRecord&gt; mine = db.fetchLocked(PLAYER, PLAYER.TEAM_ID.eq(t), pessimistic(PLAYER).skipLocked());
     * </pre>
     *
     * @param <R> the table's record type
     * @param table the table to read
     * @param condition the rows to read and lock
     * @param policy how to lock them
     * @return the rows, locked
     * @throws NullPointerException when an argument is {@code null}
     * @throws IllegalStateException when the context is not in a transaction (before any SQL runs)
     * @throws IllegalArgumentException when the policy is on another table
     * @throws LockNotAvailableException when a row cannot be locked ({@code noWait()} or the wait time)
     */
    <R extends Record> Result<R> fetchLocked(Table<R> table, Condition condition, PessimisticPolicy<R> policy);

    /**
     * Starts a locked batch UPDATE of many rows, each with its own expected version and values:
     * {@code set(columns)}, {@code lockingPolicy(optimistic(VERSION))}, {@code rows(records)}, options,
     * {@code execute()}. Every row gets an outcome ({@link BatchRow.Outcome}); see {@link Batch}.
     *
     * <pre>
     * BatchReport&lt;ResourceRecord&gt; report = db.batchUpdate(RESOURCE)
     *     .set(RESOURCE.NAME, RESOURCE.DATA)
     *     .lockingPolicy(optimistic(RESOURCE.VERSION))
     *     .rows(records)
     *     .execute();
     * report.stale();        // rows another transaction changed since they were read
     * </pre>
     *
     * Only tables with a primary key have {@link UpdatableRecord}s, so a batch over any other does not
     * compile.
     *
     * @param <R> the table's record type
     * @param table the table to update
     * @return the first step of the batch
     * @throws NullPointerException when {@code table} is {@code null}
     * @throws IllegalArgumentException when the table has no primary key (a table not made by jOOQ's
     *     generator)
     */
    @CheckReturnValue
    <R extends UpdatableRecord<R>> BatchUpdateSetStep<R> batchUpdate(Table<R> table);

    /**
     * Starts a locked batch DELETE of many rows, each deleted only if it still has the version its
     * record holds: {@code lockingPolicy(optimistic(VERSION))}, {@code rows(records)}, options,
     * {@code execute()}. See {@link Batch}.
     *
     * <pre>
     * db.batchDelete(RESOURCE).lockingPolicy(optimistic(RESOURCE.VERSION)).rows(records).execute().deleted();
     * </pre>
     *
     * @param <R> the table's record type
     * @param table the table to delete from
     * @return the first step of the batch
     * @throws NullPointerException when {@code table} is {@code null}
     * @throws IllegalArgumentException when the table has no primary key
     */
    @CheckReturnValue
    <R extends UpdatableRecord<R>> BatchLockingStep<R> batchDelete(Table<R> table);

    /**
     * The jOOQ context this one runs its statements on, for everything that needs no lock.
     *
     * @return the wrapped context
     */
    DSLContext dsl();

    /**
     * The read of an {@linkplain AdaptiveLocking adaptive} unit: the one row of
     * {@code table} that {@code condition} names by its primary key, read plainly while its key is
     * cold, and locked until the transaction ends ({@code select ... for update}) while its key is
     * escalated because its updates kept conflicting. Only inside a transaction, cold key or hot.
     *
     * <pre>
     * retry.transaction(ctx, cfg -&gt; {
     *     LockingDSLContext db = Occ.using(cfg);
     *     PlayerRecord p = db.fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive);
     *     db.update(PLAYER).set(PLAYER.NUM_POINTS, p.getNumPoints() + 2).where(PLAYER.ID.eq(id))
     *       .lockingPolicy(adaptive.optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute();
     * });
     * // select "public"."player"."id", ... from "public"."player" where "public"."player"."id" = ? [for update]
     * </pre>
     *
     * @param <R> the table's record type
     * @param table the table to read, the adaptive object's
     * @param condition the row to read: every primary-key column pinned with {@code =} to a value at
     *     the top level of an {@code AND}, other conditions beside it
     * @param adaptive the table's adaptive locking, which decides whether to lock
     * @return the row, or {@code null} when there is none
     * @throws NullPointerException when an argument is {@code null}
     * @throws IllegalArgumentException when the table is not the adaptive object's, or the condition
     *     does not pin the primary key (before any SQL runs)
     * @throws IllegalStateException when the context is not in a transaction (before any SQL runs)
     */
    <R extends Record> @Nullable R fetchOne(Table<R> table, Condition condition, AdaptiveLocking<R> adaptive);

    /**
     * [occ#15] Reads some columns of one row as {@link #fetchOne(Table, Condition, AdaptiveLocking)}
     * reads the whole row: plainly while the row's key is cold, {@code SELECT .. FOR UPDATE} while it
     * is escalated. A read of just what the unit needs (its version and the values it computes from)
     * costs less than the whole row.
     *
     * <pre>
     * Record p = db.fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive, PLAYER.NUM_POINTS, PLAYER.UPDATED_AT);
     * // select "public"."player"."num_points", "public"."player"."updated_at" from "public"."player"
     * //   where "public"."player"."id" = ? [for update]
     * </pre>
     *
     * @param <R> the table's record type
     * @param table the table to read, the adaptive object's
     * @param condition the row to read: every primary-key column pinned with {@code =} to a value at
     *     the top level of an {@code AND}, other conditions beside it
     * @param adaptive the table's adaptive locking, which decides whether to lock
     * @param fields the columns or expressions to read, at least one
     * @return the row's values, or {@code null} when there is no row
     * @throws NullPointerException when an argument is {@code null}
     * @throws IllegalArgumentException when no field is given, the table is not the adaptive
     *     object's, or the condition does not pin the primary key (before any SQL runs)
     * @throws IllegalStateException when the context is not in a transaction (before any SQL runs)
     */
    <R extends Record> @Nullable Record fetchOne(Table<R> table, Condition condition, AdaptiveLocking<R> adaptive,
            SelectField<?>... fields);
}
