package dev.occ.internal;

import dev.occ.ConflictException;
import dev.occ.VersionKind;
import dev.occ.VersionedRecord;
import java.util.function.Supplier;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jspecify.annotations.Nullable;

/**
 * What a locked statement needs from its locking policy, and all it knows of it. Every policy
 * turns into a plan for the statement it is given to ({@link Policy#plan(Target)}); the statements
 * ({@link LockingStatement}), the direct path ({@code dev.occ.internal.direct}) and the diagnosis
 * talk only to the plan. Adding a policy means adding a plan, not editing the statements.
 *
 * <p>A plan says:
 * <ul>
 * <li>the <b>check</b> the statement adds to its where clause with {@code AND}
 *     ({@link #check()}): {@code version = :expected} for an optimistic plan; for a pessimistic one,
 *     the row lock to take first, {@code (pk) in (select pk ... for update [nowait | skip locked])};</li>
 * <li>the <b>version's next value</b>, set in the same statement, if a version moves on
 *     ({@link #versionColumn()}, {@link #nextVersion()});</li>
 * <li>whether it names <b>one row</b>, which the where clause must then pin by primary key
 *     ({@link #oneRow()});</li>
 * <li>the <b>record</b> to refresh with what the database stored, if any ({@link #record()});</li>
 * <li>what to do <b>around</b> the statement: require a transaction, set a lock wait time and put it
 *     back, translate a lock failure ({@link #around});</li>
 * <li>how to <b>explain</b> a statement that wrote nothing, or that writing nothing is an outcome
 *     ({@link #explain}).</li>
 * </ul>
 *
 * @param <R> the record type of the table the statement writes
 */
public interface LockPlan<R extends Record> {

    /** @return the condition ANDed to the statement's where clause, values bound */
    Condition check();

    /** @return the column {@link #nextVersion()} is assigned to, or {@code null} when no version moves on */
    @Nullable TableField<R, ?> versionColumn();

    /** @return the version's next value, or {@code null} when nothing moves on (compare-and-set) */
    @Nullable Field<?> nextVersion();

    /** @return how the version moves on, or {@code null} when none does */
    @Nullable VersionKind versionKind();

    /**
     * Whether the plan names exactly one row, which the statement's where clause must then pin by
     * its primary key ({@link KeyRule}); every plan with an expected version does.
     *
     * @return {@code true} for a one-row plan
     */
    default boolean oneRow() {
        return true;
    }

    /** @return the record to refresh with the stored version after success, or {@code null} */
    @Nullable VersionedRecord<R, ?> record();

    /**
     * Checks a row as the statement stored it, where the statement returned it: an optimistic plan
     * whose version did not move on (a trigger overwrote it) fails, since a copy read before would
     * still match it.
     *
     * @param stored the row the statement returned
     * @throws IllegalStateException when the stored row breaks the plan
     */
    default void checkStored(Record stored) {
    }

    /**
     * Runs the statement: optimistic plans just run it; a pessimistic one first checks that a
     * transaction holds the lock, and translates a row it could not lock.
     *
     * @param ctx the statement's context
     * @param target the statement
     * @param statement what runs the statement
     * @return what the statement returned
     */
    default <T> T around(DSLContext ctx, Target<R> target, Supplier<T> statement) {
        return statement.get();
    }

    /**
     * Explains a statement that wrote no row: asks the database once more, by the statement's own
     * where clause (without the check), and names what it found.
     *
     * @param ctx the statement's context
     * @param table the table the statement wrote to
     * @param where the statement's where clause, without the check
     * @return the exception to throw, or {@code null} when writing nothing is an outcome (a
     *     pessimistic statement that found no row it could lock)
     */
    @Nullable ConflictException explain(DSLContext ctx, Table<R> table, Condition where);
}
