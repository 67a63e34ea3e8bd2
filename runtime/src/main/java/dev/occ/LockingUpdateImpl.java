package dev.occ;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Result;
import org.jooq.Select;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.Table;
import org.jooq.UpdateQuery;
import org.jooq.impl.DSL;

/** The one implementation of every locked UPDATE step, in the manner of jOOQ's {@code UpdateImpl}. */
final class LockingUpdateImpl<R extends Record> extends LockingStatement<R, LockingUpdateConditionStep<R>>
        implements LockingUpdateSetMoreStep<R>, LockingUpdateConditionStep<R>, LockedUpdate<R>,
        LockedUpdateResultStep<R> {

    private final Map<Field<?>, Field<?>> assignments = new LinkedHashMap<>();
    /** {@code null}: no RETURNING clause; empty: all columns. */
    private List<SelectFieldOrAsterisk> returning;

    LockingUpdateImpl(DSLContext ctx, Table<R> table) {
        super(ctx, table);
    }

    // ---------------------------------------------------------------------------------- SET

    @Override
    public <T> LockingUpdateSetMoreStep<R> set(Field<T> field, T value) {
        assignments.put(column(field), DSL.val(value, field));
        return this;
    }

    @Override
    public <T> LockingUpdateSetMoreStep<R> set(Field<T> field, Field<T> value) {
        assignments.put(column(field), value == null ? DSL.val(null, field) : value);
        return this;
    }

    @Override
    public <T> LockingUpdateSetMoreStep<R> set(Field<T> field, Select<? extends Record1<T>> value) {
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
            throw new IllegalArgumentException(key + " is not a column of " + OptimisticPolicy.name(table));
        }
        return column;
    }

    // ---------------------------------------------------------------------------------- POLICY

    @Override
    public LockedUpdate<R> lockingPolicy(LockingPolicy<R> lockingPolicy) {
        policy(lockingPolicy);
        if (policy.nextVersion != null && assignments.containsKey(policy.field)) {
            throw new IllegalStateException("The update sets version column " + OptimisticPolicy.describe(policy.field)
                    + " by hand, but " + policy + " moves it on itself; remove set("
                    + policy.field.getName().toUpperCase() + ", ..) from the update");
        }
        return this;
    }

    // ---------------------------------------------------------------------------------- EXECUTION

    @Override
    UpdateQuery<R> query() {
        UpdateQuery<R> query = ctx.updateQuery(table);
        assignments.forEach((column, value) -> addValue(query, column, value));
        if (policy.nextVersion != null) {
            addValue(query, policy.field, policy.nextVersion);
        }
        query.addConditions(lockedWhere());
        if (returning != null) {
            if (returning.isEmpty()) {
                query.setReturning();
            } else {
                List<SelectFieldOrAsterisk> fields = new ArrayList<>(returning);
                if (policy.record != null && !fields.contains(policy.field)) {
                    fields.add(policy.field);
                }
                query.setReturning(fields);
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
        if (policy.record != null && returning == null) {
            // the record is refreshed with the version the database stored
            returning = List.of(policy.field);
        }
        if (returning != null) {
            return fetch().size();
        }
        // [occ#6] a simple update runs on JDBC directly when that bypasses nothing configured
        int updated = DirectUpdate.execute(ctx, table, assignments, lockedWhere(), policy, this::query);
        if (updated == DirectUpdate.NOT_TAKEN) {
            updated = query().execute();
        }
        if (updated == 0) {
            throw conflict();
        }
        return updated;
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
    public R fetchOne() {
        Result<R> rows = fetch();
        if (rows.size() > 1) {
            throw new org.jooq.exception.TooManyRowsException(rows.size() + " rows of "
                    + OptimisticPolicy.name(table) + " were updated where one was expected; name one row in where(..)");
        }
        return rows.get(0);
    }

    @Override
    public Result<R> fetch() {
        if (returning == null) {
            returning = List.of();
        }
        UpdateQuery<R> query = query();
        query.execute();
        Result<R> rows = query.getReturnedRecords();
        if (rows.isEmpty()) {
            throw conflict();
        }
        if (policy.record != null && rows.size() == 1) {
            refresh(policy.record, rows.get(0));
        }
        return rows;
    }

    private static <V> void refresh(VersionedRecord<?, V> record, Record stored) {
        record.set(record.versionField(), stored.get(record.versionField()));
        record.changed(record.versionField(), false);
    }
}
