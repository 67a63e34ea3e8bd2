package dev.occ.internal;

import dev.occ.VersionedRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        Object[] pinned = pinned(target.condition(), key);
        if (!allPinned(pinned)) {
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < pinned.length; i++) {
                if (pinned[i] == UNPINNED) {
                    missing.add(key.get(i).getName());
                }
            }
            throw new IllegalArgumentException(plan + " writes exactly one row, named by its primary key ("
                    + columns(key) + "), but the where clause of this " + target.verb() + " of " + Names.table(table)
                    + " does not pin " + String.join(", ", missing) + " with = at its top level; name the row, "
                    + "for example where(" + example(key) + "), with any other condition ANDed beside it");
        }
        VersionedRecord<?, ?> record = plan.record();
        if (record != null) {
            for (int i = 0; i < pinned.length; i++) {
                TableField<?, ?> column = key.get(i);
                Object own = record.field(column) == null ? null : record.get(column);
                if (!Objects.equals(own, pinned[i])) {
                    throw new IllegalArgumentException(plan + " locks the record's own row of " + Names.table(table)
                            + " (" + column.getName() + " = " + own + "), but the where clause names "
                            + column.getName() + " = " + pinned[i] + "; name the record's row: where("
                            + example(key) + ") with the record's key");
                }
            }
        }
    }

    /**
     * [occ#15] The values a condition pins the key columns to, by the rule above, in key order and
     * each of its column's Java type; {@code null} when it does not pin every key column.
     */
    static Object @Nullable [] pinnedKey(Condition condition, List<? extends TableField<?, ?>> key) {
        Object[] values = pinned(condition, key);
        if (!allPinned(values)) {
            return null;
        }
        for (int i = 0; i < values.length; i++) {
            TableField<?, ?> column = key.get(i);
            Object value = values[i];
            values[i] = value == null || column.getType().isInstance(value) ? value : column.getDataType().convert(value);
        }
        return values;
    }

    private static boolean allPinned(Object[] pinned) {
        for (Object value : pinned) {
            if (value == UNPINNED) {
                return false;
            }
        }
        return true;
    }

    /** A key column no top-level conjunct pins. */
    private static final Object UNPINNED = new Object();

    /**
     * The values the top-level conjuncts of {@code c} pin the key columns to with {@code =}, in key
     * order (the first conjunct that pins a column wins); {@link #UNPINNED} for a column none pins.
     */
    private static Object[] pinned(Condition c, List<? extends TableField<?, ?>> key) {
        Object[] values = new Object[key.size()];
        Arrays.fill(values, UNPINNED);
        pins(c, key, values);
        return values;
    }

    private static void pins(Condition c, List<? extends TableField<?, ?>> key, Object[] values) {
        if (c instanceof QOM.And and) {
            pins(and.$arg1(), key, values);
            pins(and.$arg2(), key, values);
        } else if (c instanceof QOM.Eq<?> eq) {
            pin(eq.$arg1(), eq.$arg2(), key, values);
            pin(eq.$arg2(), eq.$arg1(), key, values);
        }
    }

    private static void pin(Field<?> column, Field<?> value, List<? extends TableField<?, ?>> key, Object[] values) {
        if (value instanceof Param<?> p) {
            int i = key.indexOf(column);
            if (i >= 0 && values[i] == UNPINNED) {
                values[i] = valueOf(p);
            }
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
