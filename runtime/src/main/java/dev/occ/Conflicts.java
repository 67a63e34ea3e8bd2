package dev.occ;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Table;
import org.jooq.UniqueKey;

/**
 * Explains a locked statement that wrote no row: one more query, by the statement's own where clause
 * (without the lock's check), tells whether the row is gone or which version it has now.
 */
final class Conflicts {

    private Conflicts() {
    }

    static ConflictException diagnose(DSLContext ctx, Table<?> table, Condition where, OptimisticPolicy<?> policy) {
        List<Field<?>> fields = new ArrayList<>(primaryKey(table));
        fields.add(policy.field);
        Result<Record> rows = ctx.select(fields).from(table).where(where).limit(2).fetch();
        String what = policy.mode == OptimisticPolicy.Mode.COMPARE_AND_SET ? "value" : "version";
        String column = policy.field.getName();
        String tableName = OptimisticPolicy.name(table);
        if (rows.isEmpty()) {
            String key = ctx.renderInlined(where);
            return new ConflictException(ConflictException.Kind.ROW_GONE, table, policy.field, key,
                    policy.expected, null,
                    "Conflict on " + tableName + " where " + key + ": expected " + column + " = "
                            + policy.expected + ", but no row matches the where clause any more (it was deleted, "
                            + "or never existed)");
        }
        Record row = rows.get(0);
        Object actual = row.get(policy.field);
        String key = primaryKey(table).isEmpty() || rows.size() > 1
                ? ctx.renderInlined(where)
                : primaryKey(table).stream().map(f -> f.getName() + " = " + row.get(f)).collect(Collectors.joining(", "));
        String now = Objects.equals(actual, policy.expected)
                ? "its " + what + " was changed and changed back by another transaction in between"
                : "the row has " + column + " = " + actual + "; another transaction changed it since it was read";
        return new ConflictException(ConflictException.Kind.VERSION_CHANGED, table, policy.field, key,
                policy.expected, actual,
                "Conflict on " + tableName + " (" + key + "): expected " + column + " = "
                        + policy.expected + ", but " + now + ". Re-read the row and retry, or report the conflict"
                        + " (HTTP 409)");
    }

    private static List<Field<?>> primaryKey(Table<?> table) {
        UniqueKey<?> pk = table.getPrimaryKey();
        return pk == null ? List.of() : new ArrayList<>(pk.getFields());
    }
}
