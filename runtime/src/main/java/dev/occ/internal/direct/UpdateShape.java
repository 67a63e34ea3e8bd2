package dev.occ.internal.direct;

import dev.occ.internal.LockPlan;
import dev.occ.internal.direct.JooqInternals.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.SQLDialect;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.conf.Settings;
import org.jooq.impl.QOM;
import org.jspecify.annotations.Nullable;

/**
 * The shape of one locked UPDATE: everything its SQL depends on, but not its bind values. Two
 * updates of the same shape render the same SQL, so {@link DirectUpdate} renders a shape once and
 * then only binds. The shape's {@linkplain #key() key} is made of the parts' identities (table,
 * columns, the where clause's structure and columns, the plan's class, column and version kind),
 * the bind values' data types (by equality: jOOQ makes a new one for some bind values, equal but for
 * nullability and default), the dialect and the settings; it holds no bind value, so a cache of keys
 * holds no user data. The bind values are collected beside it in the order of the walk: SET values in
 * the order given, then the where clause and the lock's check, left to right.
 *
 * <p>Only simple updates have a shape: every SET value a bind value, a column, an arithmetic
 * expression ({@code + - * /}) of such values, a cast of one, or {@code current_timestamp},
 * {@code current_date} or {@code current_time} (so {@code BALANCE.plus(2)} and
 * {@code DSL.currentOffsetDateTime()} have one); a where clause of {@code AND},
 * {@code OR} and comparisons ({@code = <> < <= > >=}) between columns and bind values, and bind
 * values of the types in {@link DirectTypes} with jOOQ's own binding and no converter. Anything else
 * has none ({@link #of} returns {@code null}) and runs through jOOQ as before.
 */
final class UpdateShape {

    /** More bind values than this: no shape (the duplicate check is quadratic). */
    private static final int MAX_PARAMS = 32;

    private static final Object SET = new Object();
    private static final Object WHERE = new Object();
    private static final Object PARAM = new Object();
    private static final Object AND = new Object();
    private static final Object OR = new Object();

    private static final Object RETURNING = new Object();
    private static final Field<?>[] NOTHING_RETURNED = new Field<?>[0];
    private static final DirectTypes.Reader[] NO_READERS = new DirectTypes.Reader[0];

    private final Key key;
    /** The bind values, in the order of the walk, and the binder of each. */
    final Param<?>[] params;
    final DirectTypes.Binder[] binders;
    /** The columns of the {@code RETURNING} clause, and the reader of each. */
    final Field<?>[] returned;
    final DirectTypes.Reader[] readers;
    /** For the n-th bind value of the SQL, the index of its value in {@link #params}; set from the cache. */
    int[] order = new int[0];

    private UpdateShape(Key key, Param<?>[] params, DirectTypes.Binder[] binders, Field<?>[] returned,
            DirectTypes.Reader[] readers) {
        this.key = key;
        this.params = params;
        this.binders = binders;
        this.returned = returned;
        this.readers = readers;
    }

    /** @return what the shape's SQL depends on, without bind values: the key of the cache */
    Key key() {
        return key;
    }

    /**
     * The shape of an update, or {@code null} when it has none.
     *
     * @param settings the settings, canonical (compared by identity): see {@link DirectUpdate}
     */
    static @Nullable UpdateShape of(SQLDialect dialect, Settings settings, Object table,
            Map<Field<?>, Field<?>> assignments, Condition lockedWhere, LockPlan<?> plan) {
        return of(dialect, settings, (Table<?>) table, assignments, lockedWhere, plan, null);
    }

    /**
     * The shape of an update with a {@code RETURNING} clause of the table's own columns, each of a
     * type {@link DirectTypes} can read, or {@code null} when it has none.
     *
     * @param returning the fields returned, or {@code null} for no {@code RETURNING} clause
     */
    static @Nullable UpdateShape of(SQLDialect dialect, Settings settings, Table<?> table,
            Map<Field<?>, Field<?>> assignments, Condition lockedWhere, LockPlan<?> plan,
            @Nullable List<? extends SelectFieldOrAsterisk> returning) {
        Walk walk = new Walk(8 + 4 * assignments.size());
        walk.parts.add(dialect);
        walk.parts.add(settings);
        walk.parts.add(table);
        walk.parts.add(plan.getClass());
        walk.parts.add(plan.versionColumn());
        walk.parts.add(plan.versionKind());
        walk.parts.add(SET);
        for (Map.Entry<Field<?>, Field<?>> a : assignments.entrySet()) {
            walk.parts.add(a.getKey());
            if (!walk.value(a.getValue())) {
                return null;
            }
        }
        walk.parts.add(WHERE);
        if (!walk.condition(lockedWhere) || walk.params.size() > MAX_PARAMS || walk.hasDuplicate()) {
            return null;
        }
        Field<?>[] returned = NOTHING_RETURNED;
        DirectTypes.Reader[] readers = NO_READERS;
        if (returning != null) {
            walk.parts.add(RETURNING);
            returned = new Field<?>[returning.size()];
            readers = new DirectTypes.Reader[returned.length];
            for (int i = 0; i < returned.length; i++) {
                if (!(returning.get(i) instanceof TableField<?, ?> column) || table.field(column) != column
                        || !JooqInternals.defaultBinding(column)
                        || (readers[i] = DirectTypes.reader(column.getType())) == null) {
                    return null;
                }
                walk.parts.add(column);
                returned[i] = column;
            }
        }
        return new UpdateShape(new Key(walk.parts.toArray()), walk.params.toArray(new Param<?>[0]),
                walk.binders.toArray(new DirectTypes.Binder[0]), returned, readers);
    }

    /** The walk over an update's parts. */
    private static final class Walk {
        final List<@Nullable Object> parts;
        final List<Param<?>> params = new ArrayList<>();
        final List<DirectTypes.Binder> binders = new ArrayList<>();

        Walk(int size) {
            parts = new ArrayList<>(size);
        }

        boolean condition(Condition c) {
            switch (JooqInternals.kind(c)) {
                case AND -> {
                    QOM.And and = (QOM.And) c;
                    parts.add(AND);
                    return condition(and.$arg1()) && condition(and.$arg2());
                }
                case OR -> {
                    QOM.Or or = (QOM.Or) c;
                    parts.add(OR);
                    return condition(or.$arg1()) && condition(or.$arg2());
                }
                case COMPARISON -> {
                    QOM.CompareCondition<?, ?> compare = (QOM.CompareCondition<?, ?>) c;
                    parts.add(c.getClass());
                    return operand(compare.$arg1()) && operand(compare.$arg2());
                }
                default -> {
                    return false;
                }
            }
        }

        /**
         * A SET value: a bind value, a column, an arithmetic expression of SET values, a cast of
         * one, or {@code current_timestamp} (without precision), {@code current_date},
         * {@code current_time}. An expression's class and data type join the shape.
         */
        boolean value(Field<?> f) {
            switch (JooqInternals.kind(f)) {
                case PARAM -> {
                    return param(f);
                }
                case COLUMN -> {
                    parts.add(f);
                    return true;
                }
                case ARITHMETIC -> {
                    expression(f);
                    return value(JooqInternals.operand(f, 1)) && value(JooqInternals.operand(f, 2));
                }
                case CAST -> {
                    expression(f);
                    return value(((QOM.Cast<?>) f).$field());
                }
                case CURRENT_TIMESTAMP -> {
                    expression(f);
                    return JooqInternals.withoutPrecision(f);
                }
                case CURRENT_DATE_OR_TIME -> {
                    expression(f);
                    return true;
                }
                default -> {
                    return false;
                }
            }
        }

        private void expression(Field<?> f) {
            parts.add(f.getClass());
            parts.add(new TypeKey(f.getDataType()));
        }

        boolean operand(Field<?> f) {
            if (JooqInternals.kind(f) == Kind.COLUMN) {
                parts.add(f);
                return true;
            }
            return param(f);
        }

        /** A bind value of an admitted type: its data type joins the shape, itself the bind values. */
        boolean param(Field<?> f) {
            if (JooqInternals.kind(f) != Kind.PARAM) {
                return false;
            }
            Param<?> p = (Param<?>) f;
            DirectTypes.Binder binder = DirectTypes.binder(p.getValue());
            if (binder == null || p.isInline() || !(p.getParamName() == null || p.getParamName().isEmpty())
                    || !JooqInternals.defaultBinding(p)) {
                return false;
            }
            parts.add(PARAM);
            parts.add(new TypeKey(p.getDataType()));
            params.add(p);
            binders.add(binder);
            return true;
        }

        boolean hasDuplicate() {
            for (int i = 0; i < params.size(); i++) {
                for (int j = i + 1; j < params.size(); j++) {
                    if (params.get(i) == params.get(j)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /**
     * A bind value's data type, compared by equality: jOOQ makes a new data type for some bind
     * values, equal but for nullability and default.
     */
    private record TypeKey(DataType<?> type) {
    }

    /** The parts a shape's SQL depends on, compared by identity (data types by equality). */
    static final class Key {
        private final @Nullable Object[] parts;
        private final int hash;

        private Key(@Nullable Object[] parts) {
            this.parts = parts;
            int h = 1;
            for (Object part : parts) {
                h = 31 * h + (part instanceof TypeKey ? part.hashCode() : System.identityHashCode(part));
            }
            this.hash = h;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            if (!(o instanceof Key other) || other.hash != hash || other.parts.length != parts.length) {
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
}
