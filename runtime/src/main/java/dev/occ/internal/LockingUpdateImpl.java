package dev.occ.internal;

import dev.occ.LockedUpdate;
import dev.occ.LockedUpdateResultStep;
import dev.occ.LockingPolicy;
import dev.occ.LockingUpdateConditionStep;
import dev.occ.LockingUpdateSetMoreStep;
import dev.occ.VersionedRecord;
import dev.occ.internal.direct.DirectUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record1;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Select;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.UpdateQuery;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/** The one implementation of every locked UPDATE step, in the manner of jOOQ's {@code UpdateImpl}. */
final class LockingUpdateImpl<R extends Record> extends LockingStatement<R, LockingUpdateConditionStep<R>>
        implements LockingUpdateSetMoreStep<R>, LockingUpdateConditionStep<R>, LockedUpdate<R>,
        LockedUpdateResultStep<R> {

    private final Assignments assignments = new Assignments();
    /** What the user asked back: {@code null} for nothing, empty for all columns. */
    private @Nullable List<SelectFieldOrAsterisk> returning;
    /** The record last given to {@code set(Record)}, whose original version {@code optimistic(VERSION)} takes. */
    private @Nullable Record setRecord;

    LockingUpdateImpl(DSLContext ctx, Table<R> table) {
        super(ctx, table);
    }

    // ---------------------------------------------------------------------------------- SET

    @Override
    public <T> LockingUpdateSetMoreStep<R> set(Field<T> field, @Nullable T value) {
        assignments.put(column(field), DSL.val(value, field));
        return this;
    }

    @Override
    public <T> LockingUpdateSetMoreStep<R> set(Field<T> field, @Nullable Field<T> value) {
        assignments.put(column(field), value == null ? DSL.val(null, field) : value);
        return this;
    }

    @Override
    public <T> LockingUpdateSetMoreStep<R> set(Field<T> field, @Nullable Select<? extends Record1<T>> value) {
        assignments.put(column(field), value == null ? DSL.val(null, field) : DSL.field(value));
        return this;
    }

    @Override
    public LockingUpdateSetMoreStep<R> set(Map<?, ?> values) {
        values.forEach((key, value) -> {
            Field<?> column = column(key);
            assignments.put(column, value instanceof Field<?> f ? f
                    : value instanceof Select<?> s ? subquery(s) : DSL.val(value, column));
        });
        return this;
    }

    @Override
    public LockingUpdateSetMoreStep<R> set(Record record) {
        setRecord = record;
        for (Field<?> field : record.fields()) {
            if (record.changed(field)) {
                Field<?> column = column(field);
                assignments.put(column, DSL.val(record.get(field), column));
            }
        }
        return this;
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Field<?> subquery(Select<?> select) {
        return DSL.field((Select) select);
    }

    private Field<?> column(Object key) {
        Field<?> column = key instanceof Field<?> f ? table.field(f)
                : key instanceof Name n ? table.field(n)
                : key instanceof String s ? table.field(s) : null;
        if (column == null) {
            throw new IllegalArgumentException(key + " is not a column of " + Names.table(table));
        }
        return column;
    }

    // ---------------------------------------------------------------------------------- POLICY

    @Override
    public @Nullable Record setRecord() {
        return setRecord;
    }

    @Override
    public String verb() {
        return "update";
    }

    @Override
    public LockedUpdate<R> lockingPolicy(LockingPolicy<R> lockingPolicy) {
        LockPlan<R> planned = plan(lockingPolicy);
        TableField<R, ?> version = planned.versionColumn();
        if (version != null && assignments.contains(version)) {
            throw new IllegalStateException("update sets version column " + Names.column(version)
                    + " by hand, but " + planned + " moves it on itself; remove set("
                    + version.getName().toUpperCase() + ", ..) from the update");
        }
        return this;
    }

    // ---------------------------------------------------------------------------------- EXECUTION

    /**
     * What the statement returns: what the user asked for and, when a record is to be refreshed,
     * its version column; {@code null} for no {@code RETURNING} clause, empty for all columns.
     */
    private @Nullable List<SelectFieldOrAsterisk> returned() {
        VersionedRecord<R, ?> record = plan().record();
        if (record == null || returning != null && returning.isEmpty()) {
            return returning;
        }
        if (returning == null) {
            return List.of(record.versionField());
        }
        if (returning.contains(record.versionField())) {
            return returning;
        }
        List<SelectFieldOrAsterisk> fields = new ArrayList<>(returning);
        fields.add(record.versionField());
        return fields;
    }

    @Override
    UpdateQuery<R> query() {
        LockPlan<R> p = plan();
        UpdateQuery<R> query = ctx.updateQuery(table);
        for (int i = 0; i < assignments.size(); i++) {
            addValue(query, assignments.column(i), assignments.value(i));
        }
        TableField<R, ?> version = p.versionColumn();
        Field<?> next = p.nextVersion();
        if (version != null && next != null) {
            addValue(query, version, next);
        }
        query.addConditions(lockedWhere());
        List<SelectFieldOrAsterisk> returned = returned();
        if (returned != null) {
            if (returned.isEmpty()) {
                query.setReturning();
            } else {
                query.setReturning(returned);
            }
        }
        return query;
    }

    @SuppressWarnings("unchecked")
    private static <T> void addValue(UpdateQuery<?> query, Field<T> column, Field<?> value) {
        Field<T> typed = (Field<T>) value;
        query.addValue(column, typed);
    }

    @Override
    public int execute() {
        return run(() -> {
            if (returned() != null) {
                return returnedRows().size();
            }
            // [occ#6] a simple update runs on JDBC directly when that bypasses nothing configured
            int updated = DirectUpdate.execute(ctx, table, assignments, where, plan(), this::query);
            if (updated == DirectUpdate.NOT_TAKEN) {
                updated = query().execute();
            }
            if (updated == 0) {
                nothingWritten();
            }
            return updated;
        });
    }

    @Override
    public LockedUpdateResultStep<R> returning() {
        returning = List.of();
        return this;
    }

    @Override
    public LockedUpdateResultStep<R> returning(SelectFieldOrAsterisk... fields) {
        returning = List.of(fields);
        return this;
    }

    @Override
    public @Nullable R fetchOne() {
        Result<R> rows = run(this::returnedRows);
        if (rows.isEmpty()) {
            return null; // a pessimistic plan found no row it could lock
        }
        if (rows.size() > 1) {
            throw new org.jooq.exception.TooManyRowsException(rows.size() + " rows of "
                    + Names.table(table) + " were updated where one was expected; name one row in where(..)");
        }
        return rows.get(0);
    }

    @Override
    public Result<R> fetch() {
        return run(this::returnedRows);
    }

    /** Runs the statement with its {@code RETURNING} clause, and refreshes the record if there is one. */
    private Result<R> returnedRows() {
        List<SelectFieldOrAsterisk> returned = returned();
        // [occ#15] a simple update returning columns of plain types runs on JDBC directly too
        Result<R> rows = returned == null ? null
                : DirectUpdate.executeReturning(ctx, table, assignments, where, plan(), returned, this::query);
        if (rows == null) {
            UpdateQuery<R> query = query();
            query.execute();
            rows = query.getReturnedRecords();
        }
        if (rows.isEmpty()) {
            nothingWritten();
            return rows;
        }
        for (R row : rows) {
            plan().checkStored(row);
        }
        VersionedRecord<R, ?> record = plan().record();
        if (record != null && rows.size() == 1) {
            refresh(record, rows.get(0), returned);
        }
        return rows;
    }

    /**
     * [occ#10] The record holds what the database stored: its version and every other column the
     * statement returned (a trigger may have set them), none of them changed any more.
     */
    private static void refresh(Record record, Record stored, @Nullable List<SelectFieldOrAsterisk> returned) {
        for (Field<?> field : stored.fields()) {
            Field<?> own = record.field(field);
            if (own != null && (returned == null || returned.isEmpty() || returned.contains(field))) {
                copy(record, own, stored.get(field));
                record.changed(own, false);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void copy(Record record, Field<T> field, Object value) {
        record.set(field, (T) value);
    }
}
