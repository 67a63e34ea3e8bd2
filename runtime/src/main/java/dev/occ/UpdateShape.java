package dev.occ;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jooq.Param;
import org.jooq.SQLDialect;
import org.jooq.TableField;
import org.jooq.conf.Settings;
import org.jooq.impl.IdentityConverter;
import org.jooq.impl.QOM;

/**
 * The shape of one locked UPDATE: everything its SQL depends on, but not its bind values. Two
 * updates of the same shape render the same SQL, so {@link DirectUpdate} renders a shape once and
 * then only binds. The shape is made of the parts' identities (table, columns, the where clause's
 * structure and columns, the policy's column and mode), the bind values' data types (by equality:
 * jOOQ makes a new one for some bind values, equal but for nullability and default), the dialect
 * and the settings; the bind values are collected in the order of the walk: SET values in the
 * order given, then the where clause and the lock's check, left to right.
 *
 * <p>Only simple updates have a shape: every SET value a bind value, a where clause of {@code AND},
 * {@code OR} and comparisons ({@code = <> < <= > >=}) between columns and bind values, and bind
 * values of types whose binding is plain JDBC ({@code Integer}, {@code Long}, {@code Short},
 * {@code String}, {@code Boolean}, {@code UUID}, {@code JSON}, {@code JSONB}) with jOOQ's own
 * binding and no converter. Anything else has none ({@link #of} returns {@code null}) and runs
 * through jOOQ as before.
 */
final class UpdateShape {

    /** More bind values than this: no shape (the duplicate check is quadratic). */
    private static final int MAX_PARAMS = 32;

    private static final Object SET = new Object();
    private static final Object WHERE = new Object();
    private static final Object PARAM = new Object();
    private static final Object AND = new Object();
    private static final Object OR = new Object();

    private final Object[] parts;
    private final int hash;
    /** The bind values, in the order of the walk. */
    final Param<?>[] params;

    private UpdateShape(Object[] parts, Param<?>[] params) {
        this.parts = parts;
        this.params = params;
        int h = 1;
        for (Object part : parts) {
            h = 31 * h + (part instanceof TypeKey ? part.hashCode() : System.identityHashCode(part));
        }
        this.hash = h;
    }

    /**
     * The shape of an update, or {@code null} when it has none.
     *
     * @param settings the settings, canonical (compared by identity): see {@link DirectUpdate}
     */
    static UpdateShape of(SQLDialect dialect, Settings settings, Object table, Map<Field<?>, Field<?>> assignments,
            Condition lockedWhere, OptimisticPolicy<?> policy) {
        List<Object> parts = new ArrayList<>(8 + 4 * assignments.size());
        List<Param<?>> params = new ArrayList<>(assignments.size() + 4);
        parts.add(dialect);
        parts.add(settings);
        parts.add(table);
        parts.add(policy.field);
        parts.add(policy.mode);
        parts.add(SET);
        for (Map.Entry<Field<?>, Field<?>> a : assignments.entrySet()) {
            parts.add(a.getKey());
            if (!param(a.getValue(), parts, params)) {
                return null;
            }
        }
        parts.add(WHERE);
        if (!condition(lockedWhere, parts, params) || params.size() > MAX_PARAMS || hasDuplicate(params)) {
            return null;
        }
        return new UpdateShape(parts.toArray(), params.toArray(new Param<?>[0]));
    }

    private static boolean condition(Condition c, List<Object> parts, List<Param<?>> params) {
        switch (KINDS.get(c.getClass())) {
            case AND -> {
                QOM.And and = (QOM.And) c;
                parts.add(AND);
                return condition(and.$arg1(), parts, params) && condition(and.$arg2(), parts, params);
            }
            case OR -> {
                QOM.Or or = (QOM.Or) c;
                parts.add(OR);
                return condition(or.$arg1(), parts, params) && condition(or.$arg2(), parts, params);
            }
            case COMPARISON -> {
                QOM.CompareCondition<?, ?> compare = (QOM.CompareCondition<?, ?>) c;
                parts.add(c.getClass());
                return operand(compare.$arg1(), parts, params) && operand(compare.$arg2(), parts, params);
            }
            default -> {
                return false;
            }
        }
    }

    private static boolean operand(Field<?> f, List<Object> parts, List<Param<?>> params) {
        if (KINDS.get(f.getClass()) == Kind.COLUMN) {
            parts.add(f);
            return true;
        }
        return param(f, parts, params);
    }

    /** A bind value of a plain type: its data type joins the shape, itself the bind values. */
    private static boolean param(Field<?> f, List<Object> parts, List<Param<?>> params) {
        if (KINDS.get(f.getClass()) != Kind.PARAM) {
            return false;
        }
        Param<?> p = (Param<?>) f;
        if (p.isInline() || !(p.getParamName() == null || p.getParamName().isEmpty()) || !plain(p)) {
            return false;
        }
        parts.add(PARAM);
        parts.add(new TypeKey(p.getDataType()));
        params.add(p);
        return true;
    }

    /**
     * What a jOOQ class is to a shape. jOOQ's classes implement dozens of interfaces, and
     * {@code instanceof} against an interface scans them: the answer is kept per class.
     */
    private enum Kind { AND, OR, COMPARISON, COLUMN, PARAM, OTHER }

    private static final ClassValue<Kind> KINDS = new ClassValue<>() {
        @Override
        protected Kind computeValue(Class<?> type) {
            if (QOM.And.class.isAssignableFrom(type)) {
                return Kind.AND;
            }
            if (QOM.Or.class.isAssignableFrom(type)) {
                return Kind.OR;
            }
            if (QOM.Eq.class.isAssignableFrom(type) || QOM.Ne.class.isAssignableFrom(type)
                    || QOM.Lt.class.isAssignableFrom(type) || QOM.Le.class.isAssignableFrom(type)
                    || QOM.Gt.class.isAssignableFrom(type) || QOM.Ge.class.isAssignableFrom(type)) {
                return Kind.COMPARISON;
            }
            if (TableField.class.isAssignableFrom(type)) {
                return Kind.COLUMN;
            }
            if (Param.class.isAssignableFrom(type)) {
                return Kind.PARAM;
            }
            return Kind.OTHER;
        }
    };

    /**
     * A bind value's data type, compared by equality: jOOQ makes a new data type for some bind
     * values, equal but for nullability and default.
     */
    private record TypeKey(DataType<?> type) {
    }

    /** jOOQ binds it with one plain JDBC setter: see {@link DirectUpdate#bind}. */
    private static boolean plain(Param<?> p) {
        Object value = p.getValue();
        return (value instanceof Integer || value instanceof String || value instanceof Long || value instanceof JSONB
                || value instanceof Short || value instanceof Boolean || value instanceof UUID || value instanceof JSON)
                && p.getConverter() instanceof IdentityConverter
                && p.getBinding().getClass().getName().startsWith("org.jooq.impl.DefaultBinding$Default");
    }

    private static boolean hasDuplicate(List<Param<?>> params) {
        for (int i = 0; i < params.size(); i++) {
            for (int j = i + 1; j < params.size(); j++) {
                if (params.get(i) == params.get(j)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UpdateShape other) || other.hash != hash || other.parts.length != parts.length) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            Object a = parts[i];
            Object b = other.parts[i];
            if (a != b && !(a instanceof TypeKey && a.equals(b))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "UpdateShape" + Arrays.toString(Arrays.copyOfRange(parts, 2, parts.length));
    }
}
