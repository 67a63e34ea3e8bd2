package dev.occ.internal;

import dev.occ.BatchRow;
import dev.occ.VersionKind;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.QueryPart;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * [occ#12] The statements of a locked batch: one chunk is one UPDATE (or DELETE) that takes every
 * row's key, expected version and values as one array per column, and, when it did not write every
 * row, one query that finds out why for all of them.
 *
 * <pre>
 * update resource set name = occ_batch.c0, data = occ_batch.c1, version = resource.version + 1
 * from unnest(?::int[], ?::int[], ?::text[], ?::jsonb[]) with ordinality as occ_batch(k0, v, c0, c1, ord)
 * where resource.id = occ_batch.k0 and resource.version = occ_batch.v
 * returning occ_batch.ord, resource.version
 * </pre>
 *
 * Why this statement (measured in {@code benchmarks/}, the batch scenario):
 * <ul>
 * <li>Arrays, not a JDBC batch of single-row updates: one statement is planned and run once per
 *     chunk rather than once per row, and PostgreSQL answers with the rows it wrote, whereas
 *     {@code executeBatch} pays per row and its per-row counts say nothing about why a row was not
 *     written.</li>
 * <li>Arrays, not {@code FROM (VALUES (?, ?), (?, ?) ...)}: the text is the same for every chunk
 *     size, so the driver prepares it once and PostgreSQL plans it once; a chunk binds one value per
 *     column, not one per cell, so no chunk runs into the protocol's limit of 65,535 bind values.</li>
 * <li>The diagnosis is a second query, not a CTE of the same statement: every part of a statement
 *     reads the same snapshot, taken when it began, while its UPDATE re-reads a row another
 *     transaction changed meanwhile (and skips it when the version moved on). A diagnosis in the
 *     same statement would find the old version of exactly the rows that were skipped for being
 *     stale; a second query, at READ COMMITTED, sees what was committed.</li>
 * <li>{@code with ordinality} numbers the input rows, so the answer names each row by its position
 *     in the chunk, whatever the key's type.</li>
 * </ul>
 */
final class BatchStatement<R extends Record> {

    private static final Name INPUT = DSL.name("occ_batch");

    private final Table<R> table;
    private final List<TableField<R, ?>> key;
    private final TableField<R, ?> version;
    private final @Nullable VersionKind kind;
    private final List<TableField<R, ?>> columns;
    private final boolean delete;
    /** The input's columns: the key's, the version, the set columns', and {@code ord}. */
    private final List<Field<?>> inputKey = new ArrayList<>();
    private final Field<?> inputVersion;
    private final List<Field<?>> inputColumns = new ArrayList<>();
    private final Field<Long> ordinal = DSL.field(DSL.name("occ_batch", "ord"), Long.class);
    private final List<Name> inputNames = new ArrayList<>();

    BatchStatement(Table<R> table, List<TableField<R, ?>> key, TableField<R, ?> version, List<TableField<R, ?>> columns,
            boolean delete) {
        this.table = table;
        this.key = key;
        this.version = version;
        this.kind = VersionTypes.kindOf(version.getType());
        this.columns = columns;
        this.delete = delete;
        for (int i = 0; i < key.size(); i++) {
            inputKey.add(inputField("k" + i, key.get(i)));
        }
        inputVersion = inputField("v", version);
        for (int i = 0; i < columns.size(); i++) {
            inputColumns.add(inputField("c" + i, columns.get(i)));
        }
        inputNames.add(DSL.name("ord"));
    }

    private Field<?> inputField(String name, TableField<R, ?> column) {
        inputNames.add(DSL.name(name));
        return DSL.field(DSL.name("occ_batch", name), column.getDataType());
    }

    /** @return whether it deletes */
    boolean deletes() {
        return delete;
    }

    /** @return the columns in the order of a chunk's arrays: key, version, set columns */
    List<TableField<R, ?>> arrayColumns() {
        List<TableField<R, ?>> all = new ArrayList<>(key);
        all.add(version);
        all.addAll(columns);
        return all;
    }

    /**
     * Runs one chunk: one statement, and one query more when it did not write every row.
     *
     * @param ctx the chunk's context, in its transaction
     * @param chunk the chunk's rows, checked
     * @return each row's outcome, and the statements it took
     */
    Outcomes run(DSLContext ctx, BatchChunk<R> chunk) {
        int n = chunk.size();
        Outcomes outcomes = new Outcomes(n);
        Table<?> input = input(chunk, null);
        Condition sameRow = keyCondition();
        Result<? extends Record> written;
        if (delete) {
            written = ctx.deleteFrom(table).using(input).where(sameRow).and(versionCondition())
                    .returningResult(ordinal).fetch();
        } else {
            Map<Field<?>, Field<?>> set = new java.util.LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                set.put(columns.get(i), inputColumns.get(i));
            }
            set.put(version, OptimisticPolicy.nextValue(version, Objects.requireNonNull(kind)));
            written = ctx.update(table).set(set).from(input).where(sameRow).and(versionCondition())
                    .returningResult(ordinal, version).fetch();
        }
        outcomes.statements = 1;
        for (Record row : written) {
            int i = (int) (row.get(0, Long.class) - 1);
            outcomes.outcome[i] = delete ? BatchRow.Outcome.DELETED : BatchRow.Outcome.UPDATED;
            outcomes.actual[i] = delete ? null : row.get(1);
        }
        if (written.size() < n) {
            diagnose(ctx, chunk, outcomes);
            outcomes.statements++;
        }
        return outcomes;
    }

    /** The one query that says, for every row of the chunk that was not written, why not. */
    private void diagnose(DSLContext ctx, BatchChunk<R> chunk, Outcomes outcomes) {
        int[] left = new int[chunk.size()];
        int count = 0;
        for (int i = 0; i < chunk.size(); i++) {
            if (outcomes.outcome[i] == null) {
                left[count++] = i;
            }
        }
        Table<?> input = input(chunk, java.util.Arrays.copyOf(left, count));
        List<Field<?>> select = new ArrayList<>();
        select.add(ordinal);
        select.add(version);
        if (!delete) {
            List<Condition> same = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                same.add(isNotDistinctFrom(columns.get(c), inputColumns.get(c)));
            }
            select.add(DSL.field(DSL.and(same)));
        }
        Result<Record> found = ctx.select(select).from(input.leftJoin(table).on(keyCondition())).fetch();
        for (Record row : found) {
            int i = left[(int) (row.get(0, Long.class) - 1)];
            Object now = row.get(1);
            Object expected = chunk.expected(i);
            BatchRow.Outcome outcome;
            if (now == null) {
                outcome = BatchRow.Outcome.MISSING;
            } else if (!delete && Boolean.TRUE.equals(row.get(2)) && isNext(expected, now)) {
                outcome = BatchRow.Outcome.ALREADY_APPLIED;
            } else {
                outcome = BatchRow.Outcome.STALE;
            }
            outcomes.outcome[i] = outcome;
            outcomes.actual[i] = now;
        }
    }

    /** Whether a counter's version is exactly one past the expected one. */
    private boolean isNext(Object expected, Object now) {
        if (kind != VersionKind.COUNTER) {
            return false;
        }
        return ((Number) now).longValue() == ((Number) expected).longValue() + 1;
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Condition isNotDistinctFrom(Field column, Field input) {
        return column.isNotDistinctFrom(input);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private Condition keyCondition() {
        List<Condition> same = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            same.add(((Field) key.get(i)).eq(inputKey.get(i)));
        }
        return DSL.and(same);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private Condition versionCondition() {
        return ((Field) version).eq(inputVersion);
    }

    /**
     * {@code unnest(?, ?, ..) with ordinality as occ_batch(k0, .., v, c0, .., ord)}, of all the chunk's
     * rows or of those at {@code only}; the statement's diagnosis does not need the values of a delete.
     */
    private Table<?> input(BatchChunk<R> chunk, int @Nullable [] only) {
        List<TableField<R, ?>> arrays = arrayColumns();
        List<QueryPart> binds = new ArrayList<>(arrays.size());
        for (int c = 0; c < arrays.size(); c++) {
            binds.add(array(arrays.get(c), chunk.column(c), chunk.size(), only));
        }
        return DSL.table("unnest({0}) with ordinality as {1}({2})", DSL.list(binds), INPUT,
                DSL.list(inputNames.toArray(Name[]::new)));
    }

    /** One column's values as one bind value, an array of the column's type. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Field<?> array(TableField<?, ?> column, Object[] values, int size, int @Nullable [] only) {
        int n = only == null ? size : only.length;
        Object[] array = (Object[]) Array.newInstance(column.getType(), n);
        for (int i = 0; i < n; i++) {
            array[i] = values[only == null ? i : only[i]];
        }
        return DSL.val(array, (org.jooq.DataType) column.getDataType().getArrayDataType());
    }

    /** What happened to each row of a chunk, by its index in the chunk. */
    static final class Outcomes {
        final BatchRow.Outcome[] outcome;
        final Object[] actual;
        int statements;

        Outcomes(int n) {
            outcome = new BatchRow.Outcome[n];
            actual = new Object[n];
        }
    }

    /** @return a map of keys to positions, for the check that no key comes twice in a chunk */
    static Map<Object, Long> keyPositions(int chunkSize) {
        return new HashMap<>(Math.min(chunkSize, 1 << 16) * 4 / 3 + 1);
    }
}
