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
import org.jooq.ResultQuery;
import dev.occ.internal.direct.DirectUpdate;
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
 * <li>Where the configuration lets occ's direct path run ({@code DirectUpdate.allowed}: no execute
 *     listener but those that watch only failures, which see a failed chunk's statement, no jOOQ
 *     debug logging ...) and every column is of a type in {@link #ARRAY_TYPES}, the
 *     statement is rendered by jOOQ once per batch and then bound and run on the JDBC connection
 *     itself, the arrays made by the driver ({@code createArrayOf}); jOOQ's rendering, binding and
 *     result per chunk cost more than the difference to a hand-written statement otherwise.</li>
 * </ul>
 */
final class BatchStatement<R extends Record> {

    private static final Name INPUT = DSL.name("occ_batch");

    /** The Java types a batch binds itself, as arrays, by their PostgreSQL element type; see the class comment. */
    static final Map<Class<?>, String> ARRAY_TYPES = Map.of(Integer.class, "int4", Long.class, "int8",
            Short.class, "int2", String.class, "text", Boolean.class, "bool", java.util.UUID.class, "uuid",
            java.math.BigDecimal.class, "numeric", org.jooq.JSONB.class, "jsonb", org.jooq.JSON.class, "json");

    /** Whether every column's type is one the batch binds itself, and the version a counter. */
    private final boolean directTypes;
    private @Nullable String directStatement;
    private @Nullable String directDiagnosis;

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
        boolean direct = delete || kind == VersionKind.COUNTER;
        for (TableField<R, ?> column : arrayColumns()) {
            direct &= ARRAY_TYPES.containsKey(column.getType())
                    && column.getConverter().fromType() == column.getConverter().toType();
        }
        this.directTypes = direct;
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
        boolean direct = directTypes && DirectUpdate.allowed(ctx.configuration());
        int written;
        if (direct) {
            if (directStatement == null) {
                directStatement = rendered(ctx, statement(chunk), arrayColumns().size());
            }
            written = direct(ctx, directStatement, chunk, null, outcomes);
        } else {
            written = 0;
            for (Record row : ctx.fetch(statement(chunk))) {
                written++;
                int i = (int) (row.get(0, Long.class) - 1);
                outcomes.outcome[i] = delete ? BatchRow.Outcome.DELETED : BatchRow.Outcome.UPDATED;
                outcomes.actual[i] = delete ? null : row.get(1);
            }
        }
        outcomes.statements = 1;
        if (written < n) {
            diagnose(ctx, chunk, outcomes, direct);
            outcomes.statements++;
        }
        return outcomes;
    }

    /** The chunk's statement, built by jOOQ. */
    private ResultQuery<? extends Record> statement(BatchChunk<R> chunk) {
        Table<?> input = input(chunk, null);
        Condition sameRow = keyCondition();
        if (delete) {
            return DSL.deleteFrom(table).using(input).where(sameRow).and(versionCondition()).returningResult(ordinal);
        }
        Map<Field<?>, Field<?>> set = new java.util.LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            set.put(columns.get(i), inputColumns.get(i));
        }
        set.put(version, OptimisticPolicy.nextValue(version, Objects.requireNonNull(kind)));
        return DSL.update(table).set(set).from(input).where(sameRow).and(versionCondition())
                .returningResult(ordinal, version);
    }

    /** The SQL of a query whose only bind values are the arrays, once per batch. */
    private static String rendered(DSLContext ctx, org.jooq.Query query, int arrays) {
        if (query.getBindValues().size() != arrays) {
            throw new IllegalStateException("a batch statement has " + query.getBindValues().size() + " bind values, "
                    + "not one per array (" + arrays + "): " + ctx.render(query));
        }
        return ctx.render(query);
    }

    /**
     * Runs a rendered statement (or diagnosis) on the JDBC connection, the arrays made by the driver.
     *
     * @return the rows it returned
     */
    private int direct(DSLContext ctx, String sql, BatchChunk<R> chunk, int @Nullable [] only, Outcomes outcomes) {
        List<TableField<R, ?>> arrays = arrayColumns();
        return ctx.connectionResult(c -> {
            try (java.sql.PreparedStatement s = c.prepareStatement(sql)) {
                for (int a = 0; a < arrays.size(); a++) {
                    TableField<R, ?> column = arrays.get(a);
                    s.setArray(a + 1, c.createArrayOf(ARRAY_TYPES.get(column.getType()),
                            jdbcValues(chunk.column(a), chunk.size(), only)));
                }
                int rows = 0;
                try (java.sql.ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        int j = (int) rs.getLong(1) - 1;
                        int i = only == null ? j : only[j];
                        Object now = delete && only == null ? null : versionOf(rs);
                        if (only == null) {
                            outcomes.outcome[i] = delete ? BatchRow.Outcome.DELETED : BatchRow.Outcome.UPDATED;
                            outcomes.actual[i] = now;
                        } else {
                            classify(chunk, outcomes, i, now, !delete && rs.getBoolean(3) && !rs.wasNull());
                        }
                    }
                }
                return rows;
            } catch (java.sql.SQLException e) {
                throw DirectUpdate.failure(ctx.configuration(), sql, e, c, () -> null);
            }
        });
    }

    /** The version in the result's second column, as the version column's Java type; {@code null} for SQL NULL. */
    private @Nullable Object versionOf(java.sql.ResultSet rs) throws java.sql.SQLException {
        Class<?> type = version.getType();
        Object value = type == Long.class ? (Object) rs.getLong(2) : type == Integer.class ? (Object) rs.getInt(2)
                : (Object) rs.getShort(2);
        return rs.wasNull() ? null : value;
    }

    /** The values of one array as the driver takes them: JSON as its text. */
    private static Object[] jdbcValues(Object[] values, int size, int @Nullable [] only) {
        int n = only == null ? size : only.length;
        Object[] array = new Object[n];
        for (int i = 0; i < n; i++) {
            Object v = values[only == null ? i : only[i]];
            array[i] = v instanceof org.jooq.JSONB j ? j.data() : v instanceof org.jooq.JSON j ? j.data() : v;
        }
        return array;
    }

    /** A row that was not written, by what the diagnosis found: missing, already applied or stale. */
    private void classify(BatchChunk<R> chunk, Outcomes outcomes, int i, @Nullable Object now, boolean same) {
        Object expected = chunk.expected(i);
        BatchRow.Outcome outcome;
        if (now == null) {
            outcome = BatchRow.Outcome.MISSING;
        } else if (!delete && same && isNext(expected, now)) {
            outcome = BatchRow.Outcome.ALREADY_APPLIED;
        } else {
            outcome = BatchRow.Outcome.STALE;
        }
        outcomes.outcome[i] = outcome;
        outcomes.actual[i] = now;
    }

    /** The one query that says, for every row of the chunk that was not written, why not. */
    private void diagnose(DSLContext ctx, BatchChunk<R> chunk, Outcomes outcomes, boolean direct) {
        int[] left = new int[chunk.size()];
        int count = 0;
        for (int i = 0; i < chunk.size(); i++) {
            if (outcomes.outcome[i] == null) {
                left[count++] = i;
            }
        }
        int[] only = java.util.Arrays.copyOf(left, count);
        if (direct && directDiagnosis != null) {
            direct(ctx, directDiagnosis, chunk, only, outcomes);
            return;
        }
        Table<?> input = input(chunk, only);
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
        ResultQuery<Record> query = DSL.select(select).from(input.leftJoin(table).on(keyCondition()));
        if (direct) {
            directDiagnosis = rendered(ctx, query, arrayColumns().size());
            direct(ctx, directDiagnosis, chunk, only, outcomes);
            return;
        }
        for (Record row : ctx.fetch(query)) {
            int i = only[(int) (row.get(0, Long.class) - 1)];
            classify(chunk, outcomes, i, row.get(1), !delete && Boolean.TRUE.equals(row.get(2)));
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
