package dev.occ;

import dev.occ.internal.AdaptiveLock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jooq.CheckReturnValue;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jspecify.annotations.Nullable;

/**
 * Locking that adapts to contention: optimistic while a row's updates rarely conflict, a
 * row lock ({@code SELECT ... FOR UPDATE} in the unit's transaction) for the rows whose updates keep
 * conflicting, and optimistic again when they cool down. One object per table, made once with
 * {@link Occ#adaptive(Table)} and shared by every thread (a static or a bean), remembers which keys
 * conflict; each unit of work reads its row through it and writes under one of its policies, in a
 * {@link RetryPolicy}'s unit:
 *
 * <pre>
 * static final AdaptiveLocking&lt;PlayerRecord&gt; ADAPTIVE = Occ.adaptive(PLAYER)
 *         .onEscalate(e -&gt; log.info("{}", e))           // optional
 *         .build();
 *
 * RETRY.transaction(ctx, cfg -&gt; {
 *     LockingDSLContext db = Occ.using(cfg);
 *     PlayerRecord p = db.fetchOne(PLAYER, PLAYER.ID.eq(id), ADAPTIVE);   // for update only while the key is hot
 *     db.update(PLAYER).set(PLAYER.NUM_POINTS, p.getNumPoints() + 2).where(PLAYER.ID.eq(id))
 *       .lockingPolicy(ADAPTIVE.optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt()))  // counts its conflicts
 *       .execute();
 * });
 * </pre>
 *
 * <ul>
 * <li><b>The read decides, the write checks.</b> {@link LockingDSLContext#fetchOne(Table,
 *     org.jooq.Condition, AdaptiveLocking) fetchOne(table, condition, adaptive)} reads the row plainly
 *     while its key is cold, and with {@code FOR UPDATE} while it is escalated, so that the unit then
 *     holds the row until it commits. The update is optimistic in both cases
 *     ({@code ... where id = ? and version = ?}): a lost update is impossible whatever the policy
 *     decided, and under the lock the check always holds.</li>
 * <li><b>Escalation.</b> Each update under {@link #optimistic(TableField, Object) optimistic(..)}
 *     of a cold key counts an attempt, and each {@link ConflictException} whose version moved on
 *     ({@link ConflictException.Kind#VERSION_CHANGED}) a conflict. When a key's conflicts reach
 *     {@code conflicts} within a run of {@code attempts} attempts
 *     ({@link Builder#withConflictThreshold(int, int)}, by default 2 of 32, about 6%), the key
 *     escalates. The threshold is a share of attempts, not a rate in time, so that it means the same
 *     on a fast and on a slow machine; the run starts again every {@code attempts} attempts.</li>
 * <li><b>Cool-down.</b> An escalated key is read under a row lock until {@code coolDown}
 *     ({@link Builder#withCoolDown(Duration)}, by default 1 s) passes without a conflict on it (a
 *     conflict while it is escalated, of a unit that read it before it escalated, starts the
 *     cool-down again). Then its next read finds it cold, reads it plainly, and the counting starts
 *     afresh: a key that is still hot escalates again after a few conflicts, so it pays about
 *     {@code conflicts} retries per cool-down to show that it is.</li>
 * <li><b>Bounded memory, no user data.</b> Keys are hashed into a fixed number of slots
 *     ({@link Builder#withSlots(int)}, by default 1024; two {@code long}s each, 16 KiB), which hold
 *     counts and a deadline, never a key. Keys that share a slot share its state: a cold key that
 *     hashes to a hot key's slot is read under a lock too, which costs a little time and never
 *     correctness. The memory does not grow with the number of keys.</li>
 * <li><b>Only inside a transaction.</b> A row lock lasts until the transaction ends; on an
 *     autocommit connection it would end with the read. So both the read and the update fail with
 *     an {@link IllegalStateException} before any SQL runs there, cold key or hot, rather than
 *     working in tests and failing under load. Run the unit in a {@link RetryPolicy} (which also
 *     retries the conflicts) or in {@code ctx.transactionResult(cfg -> ..)}, with
 *     {@code Occ.using(cfg)}.</li>
 * <li><b>Keys, not tables.</b> The read and the update must name one row by its primary key, as
 *     every optimistic update does; escalation is per key. A whole table does not escalate: many
 *     keys that each conflict rarely are exactly where optimistic locking is the better policy, and
 *     each key that does conflict often escalates on its own.</li>
 * <li><b>Several rows in one unit</b> each take their own lock when escalated, at the read: read
 *     them in key order, as with {@link Occ#pessimistic(Table)}, or two units that lock them in
 *     opposite orders deadlock (PostgreSQL notices after {@code deadlock_timeout}, 1 s, and
 *     {@link RetryPolicy} retries {@code 40P01}).</li>
 * <li><b>Listeners</b> ({@link Builder#onEscalate(Consumer)}, {@link Builder#onCoolDown(Consumer)})
 *     run on the thread whose statement made the change, inside its unit: keep them short. Each
 *     change is reported once. A cool-down is noticed at the key's next read.</li>
 * </ul>
 *
 * <p>A built {@code AdaptiveLocking} is immutable in its settings and thread-safe; its state is
 * the slots' counts. The policies it makes are values like every other policy, one per statement.
 *
 * @param <R> the record type of the table
 */
public sealed interface AdaptiveLocking<R extends Record> permits AdaptiveLock {

    /**
     * Optimistic locking on a version column, as {@link Occ#optimistic(TableField, Object)}, that
     * counts the statement as an attempt on its key and a conflict on the key's record. The
     * statement must name one row by its primary key and run in a transaction.
     *
     * <pre>
     * db.update(PLAYER).set(PLAYER.NUM_POINTS, p.getNumPoints() + 2).where(PLAYER.ID.eq(id))
     *   .lockingPolicy(adaptive.optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute();
     * </pre>
     *
     * @param <V> the column type
     * @param versionField the version column, of this object's table
     * @param expectedVersion the version read with the row
     * @return the policy
     * @throws NullPointerException when an argument is {@code null}
     * @throws IllegalArgumentException when the column is of another table, or as
     *     {@link Occ#optimistic(TableField, Object)}
     * @throws IllegalStateException as {@link Occ#optimistic(TableField, Object)}, for a counter at
     *     its largest value
     */
    @CheckReturnValue
    <V> LockingPolicy<R> optimistic(TableField<R, V> versionField, V expectedVersion);

    /**
     * Optimistic locking by a generated record's version, as {@link Occ#optimistic(VersionedRecord)}:
     * the record holds the stored version afterwards. Counts attempts and conflicts as
     * {@link #optimistic(TableField, Object)} does.
     *
     * <pre>
     * PlayerRecord p = db.fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive);
     * db.update(PLAYER).set(PLAYER.NUM_POINTS, p.getNumPoints() + 2).where(PLAYER.ID.eq(id))
     *   .lockingPolicy(adaptive.optimistic(p)).execute();
     * </pre>
     *
     * @param <V> the version column type
     * @param record a record read from the database, of this object's table
     * @return the policy
     * @throws NullPointerException when {@code record} is {@code null}
     * @throws IllegalArgumentException when the record is of another table or holds no version value
     * @throws IllegalStateException when the record's version is a counter at its largest value
     */
    @CheckReturnValue
    <V> LockingPolicy<R> optimistic(VersionedRecord<R, V> record);

    /** @return the table whose keys this object tracks */
    Table<R> table();

    /** @return the number of slots the keys are hashed into, fixed when it was built */
    int slots();

    /**
     * A readable form of the settings, such as
     * {@code adaptive(public.player, escalate at 2 conflicts of 32 attempts, cool-down 1000 ms, 1024 slots)}.
     *
     * @return the description
     */
    @Override
    String toString();

    /**
     * Builds an {@link AdaptiveLocking} for one table; {@link #build()} copies the settings, so the
     * built object does not change when the builder does. Made by {@link Occ#adaptive(Table)}.
     *
     * <pre>
     * AdaptiveLocking&lt;PlayerRecord&gt; adaptive = Occ.adaptive(PLAYER)
     *     .withConflictThreshold(2, 32)           // escalate a key when 2 of a run of 32 updates conflict
     *     .withCoolDown(Duration.ofSeconds(1))    // back to optimistic after 1 s without a conflict
     *     .withSlots(1024)                        // keys hashed into 1024 slots (16 KiB)
     *     .onEscalate(e -&gt; log.info("{}", e))
     *     .onCoolDown(e -&gt; log.info("{}", e))
     *     .build();
     * </pre>
     *
     * @param <R> the record type of the table
     */
    final class Builder<R extends Record> {

        /** The most slots: 16 MiB of counts. */
        static final int MAX_SLOTS = 1 << 20;
        /** The longest cool-down. */
        static final Duration MAX_COOL_DOWN = Duration.ofHours(24);

        private final Table<R> table;
        private final List<TableField<R, ?>> key;
        private int conflicts = 2;
        private int attempts = 32;
        private Duration coolDown = Duration.ofSeconds(1);
        private int slots = 1024;
        private @Nullable Consumer<AdaptiveEvent> onEscalate;
        private @Nullable Consumer<AdaptiveEvent> onCoolDown;

        Builder(Table<R> table) {
            this.table = Objects.requireNonNull(table, "table cannot be null");
            this.key = AdaptiveLock.primaryKey(table);
        }

        /**
         * When a key escalates: when {@code conflicts} of its optimistic updates conflicted within a
         * run of {@code attempts} of them. The default, 2 of 32 (about 6%), escalates a row that
         * two or more threads update all the time within a few dozen updates, and leaves alone rows
         * that conflict now and then. (In occ's contention benchmark, 2 of 32 learned the hot keys of
         * a 10-row table faster than 3 of 32, and was as good on 1 and 1000 hot rows; a wrongly
         * escalated key costs only a row lock for its cool-down.)
         *
         * @param conflicts at least 1
         * @param attempts at least {@code conflicts}
         * @return this builder
         * @throws IllegalArgumentException when {@code conflicts} is less than 1 or {@code attempts}
         *     less than {@code conflicts}
         */
        public Builder<R> withConflictThreshold(int conflicts, int attempts) {
            if (conflicts < 1) {
                throw new IllegalArgumentException("conflicts cannot be less than 1, but is " + conflicts);
            }
            if (attempts < conflicts) {
                throw new IllegalArgumentException("attempts cannot be less than conflicts (" + conflicts + "), but is "
                        + attempts + ": a run of " + attempts + " attempts can never hold " + conflicts + " conflicts");
            }
            this.conflicts = conflicts;
            this.attempts = attempts;
            return this;
        }

        /**
         * How long an escalated key stays under a row lock after its last conflict, before it is
         * read optimistically again.
         *
         * @param coolDown from 1 ms to 24 hours
         * @return this builder
         * @throws NullPointerException when {@code coolDown} is {@code null}
         * @throws IllegalArgumentException when {@code coolDown} is less than 1 ms or more than 24 hours
         */
        public Builder<R> withCoolDown(Duration coolDown) {
            Objects.requireNonNull(coolDown, "coolDown cannot be null");
            if (coolDown.compareTo(Duration.ofMillis(1)) < 0) {
                throw new IllegalArgumentException("coolDown cannot be less than 1 ms, but is " + coolDown);
            }
            if (coolDown.compareTo(MAX_COOL_DOWN) > 0) {
                throw new IllegalArgumentException("coolDown cannot be more than 24 hours, but is " + coolDown);
            }
            this.coolDown = coolDown;
            return this;
        }

        /**
         * How many slots the keys are hashed into: the memory, 16 bytes a slot, fixed when the object
         * is built. More slots mean fewer cold keys sharing a hot key's slot.
         *
         * @param slots from 1 to 1,048,576 (16 MiB)
         * @return this builder
         * @throws IllegalArgumentException when {@code slots} is less than 1 or more than 1,048,576
         */
        public Builder<R> withSlots(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("slots cannot be less than 1, but is " + slots);
            }
            if (slots > MAX_SLOTS) {
                throw new IllegalArgumentException("slots cannot be more than " + MAX_SLOTS + " (16 MiB), but is " + slots);
            }
            this.slots = slots;
            return this;
        }

        /**
         * A listener called when a key escalates, once per escalation, on the thread of the update
         * whose conflict escalated it (inside its unit, before the conflict reaches the retry
         * policy). A listener that throws changes nothing: its exception is logged at
         * {@code WARNING} through the {@link System.Logger} named {@code dev.occ.AdaptiveLocking},
         * and the statement goes on as if it had not. An {@link Error} is not caught.
         *
         * @param listener the listener, replacing any set before
         * @return this builder
         * @throws NullPointerException when {@code listener} is {@code null}
         */
        public Builder<R> onEscalate(Consumer<AdaptiveEvent> listener) {
            this.onEscalate = Objects.requireNonNull(listener, "listener cannot be null");
            return this;
        }

        /**
         * A listener called when an escalated key cools down, once per cool-down, on the thread of
         * the read that found the cool-down passed (before that read runs). A listener that throws
         * is logged and changes nothing, as with {@link #onEscalate(Consumer)}.
         *
         * @param listener the listener, replacing any set before
         * @return this builder
         * @throws NullPointerException when {@code listener} is {@code null}
         */
        public Builder<R> onCoolDown(Consumer<AdaptiveEvent> listener) {
            this.onCoolDown = Objects.requireNonNull(listener, "listener cannot be null");
            return this;
        }

        /**
         * Builds the object, with its slots all cold.
         *
         * @return the adaptive locking of the table
         */
        public AdaptiveLocking<R> build() {
            return new AdaptiveLock<>(table, key, conflicts, attempts, coolDown, slots, onEscalate, onCoolDown);
        }
    }
}
