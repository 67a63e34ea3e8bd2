package dev.occ.internal;

import dev.occ.VersionedRecord;
import java.util.Objects;
import org.jooq.Record;
import org.jooq.TableField;

/**
 * {@code optimistic(VERSION)} without a value: the expected version is the one the statement's
 * {@code set(record)} record was read with ({@link Record#original(org.jooq.Field)}). It turns into an
 * {@link OptimisticPolicy} once the statement is known; a record that is a {@link VersionedRecord} of
 * the table is refreshed with the stored version on success.
 */
public final class OriginalVersionPolicy<R extends Record> extends Policy<R> {

    private final TableField<R, ?> versionField;

    private OriginalVersionPolicy(TableField<R, ?> versionField) {
        this.versionField = versionField;
    }

    /** See {@code Occ.optimistic(TableField)}. */
    public static <R extends Record> OriginalVersionPolicy<R> of(TableField<R, ?> versionField) {
        return new OriginalVersionPolicy<>(Objects.requireNonNull(versionField, "versionField cannot be null"));
    }

    @Override
    public LockPlan<R> plan(Target<R> target) {
        OptimisticPolicy.checkTable(this, versionField, target);
        Record record = target.setRecord();
        if (record == null) {
            throw new IllegalArgumentException(this + " takes the expected version from the record given to "
                    + "set(record), but this " + target.verb() + " of " + Names.table(target.table()) + " has none; "
                    + "pass the version read with the row, optimistic(" + versionField.getName().toUpperCase()
                    + ", expected), or lock on a generated record, optimistic(record)");
        }
        return plan(versionField, record);
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record, V> LockPlan<R> plan(TableField<R, V> field, Record record) {
        V original = record.original(field);
        if (original == null) {
            throw new IllegalArgumentException("the record given to set(record) holds no original value for version "
                    + "column " + Names.column(field) + "; read the row from the database before updating it, or pass "
                    + "the version: optimistic(" + field.getName().toUpperCase() + ", expected)");
        }
        VersionedRecord<R, ?> refreshed = record instanceof VersionedRecord<?, ?> v && v.versionField().equals(field)
                ? (VersionedRecord<R, ?>) v : null;
        return OptimisticPolicy.version(field, original, refreshed);
    }

    /** @return the version column, whose expected value each row (or the statement's record) brings */
    TableField<R, ?> versionField() {
        return versionField;
    }

    @Override
    public String toString() {
        return "optimistic(" + Names.column(versionField) + ")";
    }
}
