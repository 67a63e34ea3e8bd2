package dev.occ.internal;

import dev.occ.VersionedRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.impl.QOM;
import org.jspecify.annotations.Nullable;

/**
 * [occ#10] One expected version means one row, named by its primary key: the where clause of a
 * statement under a one-row plan must pin every primary-key column with {@code =} to a value, at
 * the top level of an {@code AND} (other conditions may stand beside it). Checked when the policy is
 * applied, before any SQL runs; a plan's record must be the row the where clause names.
 */
final class KeyRule {

    private KeyRule() {
    }

    /**
     * Checks the rule.
     *
     * @throws IllegalArgumentException naming the table, its key and the fix, when the rule is broken
     */
    static void check(Target<?> target, LockPlan<?> plan) {
        if (!plan.oneRow()) {
            return;
        }
        Table<?> table = target.table();
        UniqueKey<?> pk = table.getPrimaryKey();
        if (pk == null) {
            throw new IllegalArgumentException(plan + " names one row by its primary key, but " + Names.table(table)
                    + " has none; add one (alter table " + Names.table(table) + " add primary key (..)) and "
                    + "regenerate, or declare a synthetic primary key in jOOQ's code generator "
                    + "(<syntheticObjects><primaryKeys>)");
        }
        List<? extends TableField<?, ?>> key = pk.getFields();
        VersionedRecord<?, ?> record = plan.record();
        if (record == null && key.size() == 1 && pinsColumn(target.condition(), key.get(0))) {
            return; // the common case, checked without collecting anything
        }
        Map<Field<?>, Object> pinned = new LinkedHashMap<>();
        pins(target.condition(), key, pinned);
        List<String> missing = new ArrayList<>();
        for (TableField<?, ?> column : key) {
            if (!pinned.containsKey(column)) {
                missing.add(column.getName());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(plan + " writes exactly one row, named by its primary key ("
                    + columns(key) + "), but the where clause of this " + target.verb() + " of " + Names.table(table)
                    + " does not pin " + String.join(", ", missing) + " with = at its top level; name the row, "
                    + "for example where(" + example(key) + "), with any other condition ANDed beside it");
        }
        if (record != null) {
            for (TableField<?, ?> column : key) {
                Object own = record.field(column) == null ? null : record.get(column);
                if (!Objects.equals(own, pinned.get(column))) {
                    throw new IllegalArgumentException(plan + " locks the record's own row of " + Names.table(table)
                            + " (" + column.getName() + " = " + own + "), but the where clause names "
                            + column.getName() + " = " + pinned.get(column) + "; name the record's row: where("
                            + example(key) + ") with the record's key");
                }
            }
        }
    }

    /** Whether a top-level conjunct of {@code c} pins {@code column} with {@code =} to a value, as {@link #pins}. */
    private static boolean pinsColumn(Condition c, TableField<?, ?> column) {
        if (c instanceof QOM.And and) {
            return pinsColumn(and.$arg1(), column) || pinsColumn(and.$arg2(), column);
        }
        return c instanceof QOM.Eq<?> eq && (eq.$arg2() instanceof Param<?> && eq.$arg1().equals(column)
                || eq.$arg1() instanceof Param<?> && eq.$arg2().equals(column));
    }

    /**
     * [occ#15] The values a condition pins the key columns to, by the rule above, in key order and
     * each of its column's Java type; {@code null} when it does not pin every key column.
     */
    static Object @Nullable [] pinnedKey(Condition condition, List<? extends TableField<?, ?>> key) {
        Map<Field<?>, Object> pinned = new LinkedHashMap<>();
        pins(condition, key, pinned);
        Object[] values = new Object[key.size()];
        for (int i = 0; i < values.length; i++) {
            TableField<?, ?> column = key.get(i);
            if (!pinned.containsKey(column)) {
                return null;
            }
            Object value = pinned.get(column);
            values[i] = value == null || column.getType().isInstance(value) ? value : column.getDataType().convert(value);
        }
        return values;
    }

    /** Collects the key columns that the top-level conjuncts of {@code c} pin with {@code =} to a value. */
    private static void pins(Condition c, List<? extends TableField<?, ?>> key, Map<Field<?>, Object> pinned) {
        if (c instanceof QOM.And and) {
            pins(and.$arg1(), key, pinned);
            pins(and.$arg2(), key, pinned);
        } else if (c instanceof QOM.Eq<?> eq) {
            pin(eq.$arg1(), eq.$arg2(), key, pinned);
            pin(eq.$arg2(), eq.$arg1(), key, pinned);
        }
    }

    private static void pin(Field<?> column, Field<?> value, List<? extends TableField<?, ?>> key,
            Map<Field<?>, Object> pinned) {
        if (value instanceof Param<?> p && key.contains(column)) {
            pinned.putIfAbsent(column, valueOf(p));
        }
    }

    private static @Nullable Object valueOf(Param<?> p) {
        return p.getValue();
    }

    private static String columns(List<? extends TableField<?, ?>> key) {
        return key.stream().map(Field::getName).collect(Collectors.joining(", "));
    }

    static String example(List<? extends TableField<?, ?>> key) {
        return key.stream().map(f -> f.getTable().getName().toUpperCase() + "." + f.getName().toUpperCase() + ".eq(..)")
                .collect(Collectors.joining(", "));
    }
}
