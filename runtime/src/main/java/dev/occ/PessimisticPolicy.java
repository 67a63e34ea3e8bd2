package dev.occ;

import dev.occ.internal.PessimisticLock;
import java.time.Duration;
import org.jooq.CheckReturnValue;
import org.jooq.Record;

/**
 * A row lock taken in the statement itself, held until the transaction ends: PostgreSQL's
 * {@code SELECT ... FOR UPDATE} and its variants, for the rows that are too hot for optimistic
 * locking. Made by {@link Occ#pessimistic(org.jooq.Table)} ({@code FOR UPDATE}, waiting as long as
 * it takes); each method returns a new policy, as jOOQ's {@code forUpdate().noWait()} reads:
 *
 * <pre>
 * ctx.transaction(cfg -&gt; {
 *     LockingDSLContext db = Occ.using(cfg);
 *     PlayerRecord p = db.fetchLocked(PLAYER, PLAYER.ID.eq(id), pessimistic(PLAYER).noWait()).get(0);
 *     db.update(PLAYER).set(PLAYER.NUM_POINTS, p.getNumPoints() + 1).where(PLAYER.ID.eq(id))
 *       .lockingPolicy(pessimistic(PLAYER)).execute();
 * });
 * // update "public"."player" set "num_points" = ?, "updated_at" = greatest(..)
 * //   where ("public"."player"."id" = ? and "public"."player"."id" in
 * //          (select "public"."player"."id" from "public"."player" where "public"."player"."id" = ? for update))
 * </pre>
 *
 * <ul>
 * <li>Only inside a transaction: on an autocommit connection a row lock ends with its statement, so
 *     a pessimistic statement fails before any SQL runs there.</li>
 * <li>A row that cannot be locked ({@link #noWait()}, or {@link #waitAtMost(Duration)} passed)
 *     raises {@link LockNotAvailableException} (SQLSTATE {@code 55P03}) naming the table and the
 *     rows; {@link RetryPolicy} retries it when told to ({@code handleSqlStates("55P03")}).</li>
 * <li>{@link #skipLocked()} writes or reads only the rows it could lock: an update then returns how
 *     many, and {@code returning(..)} which ones. Writing nothing is then an outcome, not a
 *     conflict.</li>
 * <li>A pessimistic update of a versioned table moves the version on too, so that optimistic
 *     readers of the row see the change.</li>
 * <li>Updates and deletes lock {@code FOR UPDATE} or {@code FOR NO KEY UPDATE}; the shared
 *     strengths are for {@link LockingDSLContext#fetchLocked locked reads}.</li>
 * </ul>
 *
 * @param <R> the record type of the locked table
 */
public sealed interface PessimisticPolicy<R extends Record> extends LockingPolicy<R> permits PessimisticLock {

    /** @return this policy with {@code FOR UPDATE}, the default: no other transaction may lock or change the rows */
    @CheckReturnValue
    PessimisticPolicy<R> forUpdate();

    /**
     * @return this policy with {@code FOR NO KEY UPDATE}: as {@code FOR UPDATE}, but lets other
     *     transactions take {@code FOR KEY SHARE} (foreign keys that point at the rows)
     */
    @CheckReturnValue
    PessimisticPolicy<R> forNoKeyUpdate();

    /** @return this policy with {@code FOR SHARE}, for reads: other readers share it, writers wait */
    @CheckReturnValue
    PessimisticPolicy<R> forShare();

    /** @return this policy with {@code FOR KEY SHARE}, for reads: only changes of the key wait */
    @CheckReturnValue
    PessimisticPolicy<R> forKeyShare();

    /** @return this policy failing at once, with {@link LockNotAvailableException}, on a row another transaction holds */
    @CheckReturnValue
    PessimisticPolicy<R> noWait();

    /** @return this policy leaving out the rows other transactions hold */
    @CheckReturnValue
    PessimisticPolicy<R> skipLocked();

    /**
     * This policy waiting at most {@code timeout} for a row another transaction holds, then failing
     * with {@link LockNotAvailableException}: PostgreSQL's {@code lock_timeout}, set for this
     * statement only and put back after it (one round trip before the statement, one after).
     *
     * @param timeout at least 1 ms
     * @return the policy
     * @throws NullPointerException when {@code timeout} is {@code null}
     * @throws IllegalArgumentException when {@code timeout} is less than 1 ms
     */
    @CheckReturnValue
    PessimisticPolicy<R> waitAtMost(Duration timeout);
}
