package dev.occ.internal;

import dev.occ.ConflictException;
import dev.occ.VersionKind;
import dev.occ.VersionedRecord;
import java.sql.Timestamp;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.jooq.types.DayToSecond;
import org.jspecify.annotations.Nullable;

/**
 * The optimistic policies: a version counter, a version timestamp, or compare-and-set on a value.
 * Immutable; the check and the version's next value are built once, here. An optimistic policy
 * needs nothing from the statement it is given to, so it is its own {@link LockPlan}.
 */
public final class OptimisticPolicy<R extends Record> extends Policy<R> implements LockPlan<R> {

    private static final DayToSecond ONE_MICROSECOND = new DayToSecond(0, 0, 0, 0, 1000);

    private final TableField<R, ?> column;
    private final Object expected;
    /** {@code null}: compare-and-set. */
    private final @Nullable VersionKind kind;
    private final @Nullable VersionedRecord<R, ?> record;
    private final Condition check;
    /**
     * Built on first use: a statement on occ's direct path whose SQL is cached never asks for it
     * (its shape names the column and the kind), which saves building the expression per update.
     */
    private @Nullable Field<?> nextVersion;

    private <V> OptimisticPolicy(TableField<R, V> column, V expected, @Nullable VersionKind kind,
            @Nullable VersionedRecord<R, ?> record) {
        this.column = column;
        this.expected = expected;
        this.kind = kind;
        this.record = record;
        this.check = column.eq(DSL.val(expected, column));
    }

    /**
     * A version policy, see {@code Occ.optimistic(..)}.
     *
     * @param record the record to refresh on success, or {@code null}
     */
    public static <R extends Record, V> OptimisticPolicy<R> version(TableField<R, V> field, V expected,
            @Nullable VersionedRecord<R, ?> record) {
        Objects.requireNonNull(field, "versionField cannot be null");
        Objects.requireNonNull(expected, () -> "expectedVersion cannot be null: pass the version of "
                + Names.column(field) + " read with the row (a new row needs no lock: insert it)");
        checkType(field, expected, "expectedVersion");
        VersionKind kind = versionKind(field);
        if (kind == VersionKind.TIMESTAMP && !atMicroseconds(expected)) {
            throw new IllegalArgumentException("expected version " + expected + " of " + Names.column(field)
                    + " is finer than PostgreSQL's microsecond precision, so it can never match the stored "
                    + "value; pass the value read from the database");
        }
        if (kind == VersionKind.COUNTER && VersionTypes.atMaximum(expected)) {
            throw new IllegalStateException("version column " + Names.column(field) + " holds " + expected
                    + ", the largest " + field.getDataType().getTypeName() + ", so it cannot move on and the row can "
                    + "no longer be updated under optimistic locking; widen the column (alter table "
                    + Names.table(field.getTable()) + " alter column " + field.getName() + " type bigint) and "
                    + "regenerate");
        }
        return new OptimisticPolicy<>(field, expected, kind, record);
    }

    /**
     * What kind of version a column is, failing fast on a column that cannot be one: nullable, or
     * neither a counter nor a timestamp.
     */
    static VersionKind versionKind(TableField<?, ?> field) {
        if (field.getDataType().nullable()) {
            throw new IllegalArgumentException("version column " + Names.column(field) + " is nullable; "
                    + "declare it NOT NULL (alter table " + field.getTable().getName() + " alter column "
                    + field.getName() + " set not null) and regenerate, or lock with compareAndSet(..)");
        }
        VersionKind kind = VersionTypes.kindOf(field.getType());
        if (kind == null) {
            throw new IllegalArgumentException("version column " + Names.column(field) + " is of type "
                    + field.getType().getName() + "; a version is an integer counter (int, bigint, smallint) or a "
                    + "timestamp (timestamptz, timestamp). To lock on another column, use compareAndSet(..)");
        }
        return kind;
    }

    /**
     * Fails fast on an expected value that is not of the column's Java type, which raw types let
     * through: jOOQ would convert it (4.7 to 4, 2^32 + 1 to 1) and lock on a version never read.
     */
    static void checkType(TableField<?, ?> field, Object expected, String parameter) {
        if (!field.getType().isInstance(expected)) {
            throw new IllegalArgumentException(parameter + " " + expected + " is a " + expected.getClass().getName()
                    + ", but column " + Names.column(field) + " holds " + field.getType().getName()
                    + " values; pass the " + field.getType().getSimpleName() + " read from the column");
        }
    }

    /** A compare-and-set policy, see {@code Occ.compareAndSet(..)}. */
    public static <R extends Record, V> OptimisticPolicy<R> compareAndSet(TableField<R, V> field, V expected) {
        Objects.requireNonNull(field, "field cannot be null");
        Objects.requireNonNull(expected, () -> "expectedValue cannot be null: pass the value of "
                + Names.column(field) + " read with the row");
        checkType(field, expected, "expectedValue");
        return new OptimisticPolicy<>(field, expected, null, null);
    }

    private static boolean atMicroseconds(Object value) {
        if (value instanceof Timestamp timestamp) {
            return timestamp.getNanos() % 1000 == 0;
        }
        return !(value instanceof TemporalAccessor temporal) || !temporal.isSupported(ChronoField.NANO_OF_SECOND)
                || temporal.get(ChronoField.NANO_OF_SECOND) % 1000 == 0;
    }

    /** A version's next value: {@code v + 1}, or a timestamp later than before. */
    static Field<?> nextValue(TableField<?, ?> column, VersionKind kind) {
        return switch (kind) {
            case COUNTER -> column.plus(DSL.inline(1));
            case TIMESTAMP -> later(column);
        };
    }

    /** {@code greatest(current_timestamp, ts + 1 microsecond)}: later than before, also within one transaction. */
    private static <T> Field<T> later(Field<T> field) {
        return DSL.greatest(VersionTypes.now(field.getType()), field.plus(DSL.inline(ONE_MICROSECOND)));
    }

    @Override
    public LockPlan<R> plan(Target<R> target) {
        checkTable(this, column, target);
        return this;
    }

    /** Fails fast on a policy on a column of another table than the statement's. */
    static void checkTable(Policy<?> policy, TableField<?, ?> column, Target<?> target) {
        checkTable(policy, column, target.table(), "the statement");
    }

    /** Fails fast on a policy on a column of another table than the one {@code writer} writes to. */
    static void checkTable(Policy<?> policy, TableField<?, ?> column, Table<?> table, String writer) {
        if (!table.equals(column.getTable())) {
            throw new IllegalArgumentException(policy + " locks on " + Names.column(column) + ", a column of "
                    + Names.table(column.getTable()) + ", but " + writer + " writes to " + Names.table(table)
                    + "; lock on a column of " + Names.table(table));
        }
    }

    /** @return the checked column: the version column, or the compared column of a compare-and-set */
    TableField<R, ?> column() {
        return column;
    }

    /** @return the value the check expects */
    Object expected() {
        return expected;
    }

    @Override
    public @Nullable TableField<R, ?> versionColumn() {
        return kind == null ? null : column;
    }

    @Override
    public Condition check() {
        return check;
    }

    @Override
    public @Nullable Field<?> nextVersion() {
        if (nextVersion == null && kind != null) {
            nextVersion = nextValue(column, kind);
        }
        return nextVersion;
    }

    @Override
    public @Nullable VersionKind versionKind() {
        return kind;
    }

    @Override
    public @Nullable VersionedRecord<R, ?> record() {
        return record;
    }

    /** [occ#11] A version that did not move on was overwritten, most likely by a trigger. */
    @Override
    public void checkStored(Record stored) {
        if (kind == null || stored.field(column) == null) {
            return;
        }
        Object now = stored.get(column);
        if (Objects.equals(now, expected)) {
            throw new IllegalStateException("version column " + Names.column(column) + " reads back as " + now
                    + " after the update, the version it was expected to move on from, so a copy of the row read "
                    + "before would still match it and overwrite this update: something sets it in the same "
                    + "statement, most likely a BEFORE UPDATE trigger that assigns now() or current_timestamp (the "
                    + "transaction's start time). Make the trigger keep the column moving on: new." + column.getName()
                    + " := greatest(clock_timestamp(), old." + column.getName() + " + interval '1 microsecond'), or "
                    + "leave the column to occ");
        }
    }

    @Override
    public ConflictException explain(DSLContext ctx, Table<R> table, Condition where) {
        return Diagnosis.conflict(ctx, table, where, column, expected, kind);
    }

    @Override
    public String toString() {
        return (kind == null ? "compareAndSet(" : "optimistic(") + Names.column(column) + " = " + expected + ")";
    }
}
