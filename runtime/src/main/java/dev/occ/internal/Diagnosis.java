package dev.occ.internal;

import dev.occ.ConflictException;
import dev.occ.VersionKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TimeZone;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.OrderField;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * The one diagnosis of a locked statement that wrote nothing: one more query, by the statement's
 * own where clause (without the lock's check), tells whether the row is gone or which version (or
 * compared value) it has now. Single-row statements use it through their {@link LockPlan}. (A batch
 * diagnoses a whole chunk in one query of its own, by the chunk's arrays: {@code BatchStatement}.)
 */
public final class Diagnosis {

    private Diagnosis() {
    }

    /**
     * Asks the database why no row was written, and says it.
     *
     * @param ctx the statement's context
     * @param table the table written to
     * @param where the statement's where clause, without the lock's check
     * @param column the checked column
     * @param expected the value the check expected
     * @param kind how the column moves on as a version, or {@code null} for a compared value
     * @return the conflict, with the message
     */
    public static ConflictException conflict(DSLContext ctx, Table<?> table, Condition where, TableField<?, ?> column,
            Object expected, @Nullable VersionKind kind) {
        List<TableField<?, ?>> key = primaryKey(table);
        List<Field<?>> fields = new ArrayList<>(key);
        fields.add(column);
        Result<Record> rows = ctx.select(fields).from(table).where(where).limit(2).fetch();
        String name = column.getName();
        String written = Names.table(ctx, table);
        if (rows.isEmpty()) {
            String clause = ctx.renderInlined(where);
            return new ConflictException(ConflictException.Kind.ROW_GONE, table, column, clause, expected, null,
                    "Conflict on " + written + " where " + clause + ": expected " + name + " = "
                            + expected + ", but no row matches the where clause any more (it was deleted, "
                            + "or never existed)");
        }
        Record row = rows.get(0);
        Object actual = row.get(column);
        String rowKey = key.isEmpty() || rows.size() > 1 ? ctx.renderInlined(where) : Names.key(row, key);
        String now;
        if (!Objects.equals(actual, expected)) {
            now = "the row has " + name + " = " + actual + "; another transaction changed it since it was read";
        } else if (kind != null) {
            // [occ#10] a version only moves on, so an equal value read back is not the value stored
            now = "the row reads back with " + name + " = " + actual + ", although a version only moves on: either the "
                    + "value does not survive the round trip through JDBC (a timestamp without time zone in a "
                    + "daylight-saving gap of the JVM's time zone " + TimeZone.getDefault().getID()
                    + " is shifted; declare the column timestamptz), or something set " + name + " back by hand or "
                    + "by a trigger";
        } else {
            now = "its value was changed and changed back by another transaction in between";
        }
        return new ConflictException(ConflictException.Kind.VERSION_CHANGED, table, column, rowKey, expected, actual,
                "Conflict on " + written + " (" + rowKey + "): expected " + name + " = " + expected
                        + ", but " + now + ". Re-read the row and retry, or report the conflict (HTTP 409)");
    }

    /** Rows an every-row conflict names at most; the message says how many more there were. */
    static final int MAX_ROWS = 100;

    /**
     * Explains an every-row statement that wrote nothing: one more query lists the rows its where
     * clause names whose version (or value) is not the expected one, at most {@value #MAX_ROWS}.
     */
    static ConflictException everyRow(DSLContext ctx, Table<?> table, Condition where, TableField<?, ?> column,
            Object expected) {
        List<TableField<?, ?>> key = primaryKey(table);
        @SuppressWarnings({ "unchecked", "rawtypes" })
        Condition differs = ((Field) column).ne(DSL.val(expected, column));
        Field<Integer> matching = DSL.count().over().as("occ_matching");
        Field<Integer> differing = DSL.count().filterWhere(differs).over().as("occ_differing");
        List<Field<?>> fields = new ArrayList<>(key);
        fields.add(column);
        fields.add(matching);
        fields.add(differing);
        // one query: the differing rows first, by key, and how many rows match and differ in all
        List<OrderField<?>> order = new ArrayList<>();
        order.add(DSL.when(differs, 0).otherwise(1));
        order.addAll(key);
        Result<Record> found = ctx.select(fields).from(table).where(where).orderBy(order).limit(MAX_ROWS).fetch();
        String written = Names.table(ctx, table);
        String name = column.getName();
        String clause = ctx.renderInlined(where);
        if (found.isEmpty()) {
            return new ConflictException(ConflictException.Kind.ROW_GONE, table, column,
                    List.of(new ConflictException.Row(clause, expected, null)),
                    "Conflict on " + written + " where " + clause + ": expected " + name + " = " + expected
                            + " on every row, but no row matches the where clause any more. Nothing was written");
        }
        int all = found.get(0).get(matching);
        int others = found.get(0).get(differing);
        List<ConflictException.Row> rows = new ArrayList<>();
        for (Record row : found) {
            if (!Objects.equals(row.get(column), expected)) {
                rows.add(new ConflictException.Row(Names.key(row, key), expected, row.get(column)));
            }
        }
        if (rows.isEmpty()) {
            // written back to the expected value after the statement failed
            return new ConflictException(ConflictException.Kind.VERSION_CHANGED, table, column,
                    List.of(new ConflictException.Row(clause, expected, expected)),
                    "Conflict on " + written + " where " + clause + ": expected " + name + " = " + expected
                            + " on every row; some rows did not have it when the statement ran, but all have it again"
                            + " now. Nothing was written; re-read the rows and retry");
        }
        String listed = rows.stream().map(r -> "(" + r.key() + ") " + name + " = " + r.actualVersion())
                .collect(Collectors.joining(", "));
        return new ConflictException(ConflictException.Kind.VERSION_CHANGED, table, column, rows,
                "Conflict on " + written + " where " + clause + ": expected " + name + " = " + expected
                        + " on every row, but " + others + " of " + all + " rows differ: " + listed
                        + (others > rows.size() ? " and " + (others - rows.size()) + " more" : "")
                        + ". Nothing was written; re-read the rows and retry, or report the conflict (HTTP 409)");
    }

    private static List<TableField<?, ?>> primaryKey(Table<?> table) {
        UniqueKey<?> pk = table.getPrimaryKey();
        return pk == null ? List.of() : new ArrayList<>(pk.getFields());
    }
}
