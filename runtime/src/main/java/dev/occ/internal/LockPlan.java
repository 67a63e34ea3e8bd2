package dev.occ.internal;

import dev.occ.ConflictException;
import dev.occ.VersionKind;
import dev.occ.VersionedRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jspecify.annotations.Nullable;

/**
 * What a locked statement needs from its locking policy, and all it knows of it. Every policy
 * turns into a plan for the statement it is given to ({@link Policy#plan(Table)}); the statements
 * ({@link LockingStatement}), the direct path ({@code dev.occ.internal.direct}) and the diagnosis
 * talk only to the plan. Adding a policy means adding a plan, not editing the statements.
 *
 * <p>A plan says:
 * <ul>
 * <li>the <b>check</b> the statement adds to its where clause with {@code AND}, and the column and
 *     expected value it compares ({@link #check()}, {@link #column()}, {@link #expected()});</li>
 * <li>the <b>version's next value</b>, set in the same statement, if the version moves on
 *     ({@link #nextVersion()});</li>
 * <li>the <b>record</b> to refresh with what the database stored, if any ({@link #record()});</li>
 * <li>how to <b>explain</b> a statement that wrote nothing ({@link #explain}).</li>
 * </ul>
 * A pessimistic plan will add a row lock to take before the write (a {@code SELECT ... FOR UPDATE}
 * of the statement's rows, with its wait rule) and a check of {@link org.jooq.impl.DSL#noCondition()};
 * its {@link #explain} will name the rows it could not lock.
 *
 * @param <R> the record type of the table the statement writes
 */
public interface LockPlan<R extends Record> {

    /** @return the column the check compares: the version column, or the compared column */
    TableField<R, ?> column();

    /** @return the value the check expects in {@link #column()} */
    Object expected();

    /** @return {@code column = :expected}, with the expected value bound */
    Condition check();

    /** @return the version's next value, or {@code null} when nothing moves on (compare-and-set) */
    @Nullable Field<?> nextVersion();

    /** @return how the version moves on, or {@code null} for a compare-and-set, which moves nothing */
    @Nullable VersionKind versionKind();

    /**
     * Whether the plan names exactly one row, which the statement's where clause must then pin by
     * its primary key ({@link KeyRule}); every optimistic plan does.
     *
     * @return {@code true} for a one-row plan
     */
    default boolean oneRow() {
        return true;
    }

    /** @return the record to refresh with the stored version after success, or {@code null} */
    @Nullable VersionedRecord<R, ?> record();

    /**
     * Explains a statement that wrote no row: asks the database once more, by the statement's own
     * where clause (without the check), and names what it found.
     *
     * @param ctx the statement's context
     * @param table the table the statement wrote to
     * @param where the statement's where clause, without the check
     * @return the exception to throw
     */
    ConflictException explain(DSLContext ctx, Table<R> table, Condition where);
}
