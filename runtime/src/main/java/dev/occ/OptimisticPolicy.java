package dev.occ;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.jooq.types.DayToSecond;

/**
 * The optimistic policies: a version counter, a version timestamp, or compare-and-set on a value.
 * Immutable; the check and the version's next value are built once, here.
 */
final class OptimisticPolicy<R extends Record> implements LockingPolicy<R> {

    enum Mode { COUNTER, TIMESTAMP, COMPARE_AND_SET }

    private static final DayToSecond ONE_MICROSECOND = new DayToSecond(0, 0, 0, 0, 1000);

    final TableField<R, ?> field;
    final Object expected;
    final Mode mode;
    /** The record to refresh with the stored version on success, or {@code null}. */
    final VersionedRecord<R, ?> record;
    /** {@code field = :expected}. */
    final Condition check;
    /** The version's next value, or {@code null} when nothing moves on (compare-and-set). */
    final Field<?> nextVersion;

    private <V> OptimisticPolicy(TableField<R, V> field, V expected, Mode mode, VersionedRecord<R, ?> record) {
        this.field = field;
        this.expected = expected;
        this.mode = mode;
        this.record = record;
        this.check = field.eq(DSL.val(expected, field));
        this.nextVersion = switch (mode) {
            case COUNTER -> field.plus(DSL.inline(1));
            case TIMESTAMP -> later(field);
            case COMPARE_AND_SET -> null;
        };
    }

    static <R extends Record, V> OptimisticPolicy<R> version(TableField<R, V> field, V expected,
            VersionedRecord<R, ?> record) {
        Objects.requireNonNull(field, "versionField cannot be null");
        Objects.requireNonNull(expected, () -> "expectedVersion cannot be null: pass the version of "
                + describe(field) + " read with the row (a new row needs no lock: insert it)");
        if (field.getDataType().nullable()) {
            throw new IllegalArgumentException("version column " + describe(field) + " is nullable; "
                    + "declare it NOT NULL (alter table " + field.getTable().getName() + " alter column "
                    + field.getName() + " set not null) and regenerate, or lock with compareAndSet(..)");
        }
        Mode mode = modeOf(field);
        if (mode == Mode.TIMESTAMP && !atMicroseconds(expected)) {
            throw new IllegalArgumentException("expected version " + expected + " of " + describe(field)
                    + " is finer than PostgreSQL's microsecond precision, so it can never match the stored "
                    + "value; pass the value read from the database");
        }
        return new OptimisticPolicy<>(field, expected, mode, record);
    }

    static <R extends Record, V> OptimisticPolicy<R> compareAndSet(TableField<R, V> field, V expected) {
        Objects.requireNonNull(field, "field cannot be null");
        Objects.requireNonNull(expected, () -> "expectedValue cannot be null: pass the value of "
                + describe(field) + " read with the row");
        return new OptimisticPolicy<>(field, expected, Mode.COMPARE_AND_SET, null);
    }

    private static Mode modeOf(TableField<?, ?> field) {
        Class<?> type = field.getType();
        if (type == Integer.class || type == Long.class || type == Short.class) {
            return Mode.COUNTER;
        }
        if (type == OffsetDateTime.class || type == LocalDateTime.class || type == Instant.class
                || type == Timestamp.class) {
            return Mode.TIMESTAMP;
        }
        throw new IllegalArgumentException("version column " + describe(field) + " is of type "
                + type.getName() + "; a version is an integer counter (int, bigint, smallint) or a timestamp "
                + "(timestamptz, timestamp). To lock on another column, use compareAndSet(..)");
    }

    private static boolean atMicroseconds(Object value) {
        if (value instanceof Timestamp timestamp) {
            return timestamp.getNanos() % 1000 == 0;
        }
        return !(value instanceof TemporalAccessor temporal) || !temporal.isSupported(ChronoField.NANO_OF_SECOND)
                || temporal.get(ChronoField.NANO_OF_SECOND) % 1000 == 0;
    }

    /** {@code greatest(current_timestamp, ts + 1 microsecond)}: later than before, also within one transaction. */
    @SuppressWarnings("unchecked")
    private static <T> Field<T> later(Field<T> field) {
        Class<T> type = field.getType();
        Field<T> now;
        if (type == OffsetDateTime.class) {
            now = (Field<T>) DSL.currentOffsetDateTime();
        } else if (type == LocalDateTime.class) {
            now = (Field<T>) DSL.currentLocalDateTime();
        } else if (type == Instant.class) {
            now = (Field<T>) DSL.currentInstant();
        } else {
            now = (Field<T>) DSL.currentTimestamp();
        }
        return DSL.greatest(now, field.plus(DSL.inline(ONE_MICROSECOND)));
    }

    /** The column, for messages: {@code public.resource.version}. */
    static String describe(Field<?> field) {
        return field instanceof TableField<?, ?> tf && tf.getTable() != null
                ? name(tf.getTable()) + "." + field.getName() : field.getName();
    }

    static String name(Table<?> table) {
        return table.getSchema() == null || table.getSchema().getName().isEmpty()
                ? table.getName() : table.getSchema().getName() + "." + table.getName();
    }

    /** Fails fast on a policy that cannot apply to a statement on {@code table}. */
    void checkTarget(Table<?> table) {
        if (!table.equals(field.getTable())) {
            throw new IllegalArgumentException(this + " locks on " + describe(field) + ", a column of "
                    + name(field.getTable()) + ", but the statement writes to " + name(table)
                    + "; lock on a column of " + name(table));
        }
    }

    @Override
    public String toString() {
        return switch (mode) {
            case COUNTER, TIMESTAMP -> "optimistic(" + describe(field) + " = " + expected + ")";
            case COMPARE_AND_SET -> "compareAndSet(" + describe(field) + " = " + expected + ")";
        };
    }
}
