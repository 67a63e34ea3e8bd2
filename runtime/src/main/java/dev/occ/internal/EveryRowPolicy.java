package dev.occ.internal;

import dev.occ.ConflictException;
import dev.occ.LockingPolicy;
import dev.occ.VersionKind;
import dev.occ.VersionedRecord;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * [occ#10] {@code everyRow(optimistic(..))}: a statement that writes several rows on purpose, all of
 * them or none. Its check locks every row the where clause names and holds only if each of them has
 * the expected version, in the same statement:
 *
 * <pre>
 * update t set ..., version = version + 1
 * where &lt;where&gt; and version = :v
 *   and (select bool_and(l.version = :v) from (select version from t where &lt;where&gt; for update) l)
 * </pre>
 *
 * The sub-select is evaluated once, before any row is written; {@code FOR UPDATE} waits for
 * concurrent writers and returns each row's latest version, so a row changed by a transaction that
 * committed after the statement began is seen, and then nothing is written. (The unqualified table
 * of the sub-select is the innermost one, so the where clause's columns refer to it.) Rows
 * inserted meanwhile are not among the named rows.
 */
public final class EveryRowPolicy<R extends Record> extends Policy<R> {

    private final OptimisticPolicy<R> each;

    private EveryRowPolicy(OptimisticPolicy<R> each) {
        this.each = each;
    }

    /** See {@code Occ.everyRow(..)}. */
    public static <R extends Record> EveryRowPolicy<R> of(LockingPolicy<R> policy) {
        Objects.requireNonNull(policy, "policy cannot be null");
        if (!(policy instanceof OptimisticPolicy<R> optimistic) || optimistic.record() != null) {
            throw new IllegalArgumentException("everyRow(" + policy + ") needs a policy with an expected value, "
                    + "optimistic(VERSION, expected) or compareAndSet(COLUMN, expected): a record, or the record of "
                    + "set(record), names one row");
        }
        return new EveryRowPolicy<>(optimistic);
    }

    @Override
    public LockPlan<R> plan(Target<R> target) {
        each.plan(target);
        return new Plan(target.condition());
    }

    @Override
    public String toString() {
        return "everyRow(" + each + ")";
    }

    /** The plan of one statement: the check depends on its where clause. */
    private final class Plan implements LockPlan<R> {
        private final Condition check;

        Plan(Condition where) {
            TableField<R, ?> column = each.column();
            Table<R> table = column.getTable();
            Field<?> latest = DSL.field(DSL.name("l", column.getName()), column.getDataType());
            @SuppressWarnings({ "unchecked", "rawtypes" })
            Condition allExpected = ((Field) latest).eq(DSL.val(each.expected(), column));
            Condition locked = DSL.condition(DSL.field(DSL.select(DSL.boolAnd(allExpected))
                    .from(DSL.select(column).from(table).where(where).forUpdate().asTable("l"))));
            this.check = DSL.and(each.check(), locked);
        }

        @Override
        public @Nullable TableField<R, ?> versionColumn() {
            return each.versionColumn();
        }

        @Override
        public Condition check() {
            return check;
        }

        @Override
        public @Nullable Field<?> nextVersion() {
            return each.nextVersion();
        }

        @Override
        public @Nullable VersionKind versionKind() {
            return each.versionKind();
        }

        @Override
        public boolean oneRow() {
            return false;
        }

        @Override
        public @Nullable VersionedRecord<R, ?> record() {
            return null;
        }

        @Override
        public ConflictException explain(DSLContext ctx, Table<R> table, Condition where) {
            return Diagnosis.everyRow(ctx, table, where, each.column(), each.expected());
        }

        @Override
        public String toString() {
            return EveryRowPolicy.this.toString();
        }
    }
}
