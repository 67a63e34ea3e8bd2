package dev.occ.internal.direct;

import dev.occ.internal.Assignments;
import dev.occ.internal.LockPlan;
import dev.occ.internal.direct.JooqInternals.Kind;
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
import org.jooq.impl.DSL;
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
 *
 * <p>[occ#15] A shape is the walk's working memory, one per thread and reused (so that a locked
 * update allocates no lists, arrays or key for its shape): {@link #of} hands out the thread's shape,
 * {@link #release()} gives it back and drops its references to the bind values, so that no user
 * data outlives the update. The cache keeps {@linkplain #keyCopy() copies} of keys, never the
 * thread's key. A walk that starts while the thread's shape is in use (a listener that runs another
 * update while a failure is reported) gets a shape of its own.
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

    private static final Condition NO_CONDITION = DSL.noCondition();

    private static final ThreadLocal<UpdateShape> THREADS = ThreadLocal.withInitial(UpdateShape::new);

    /** The parts the SQL depends on, compared by identity (data types by equality), the first {@link Key#length}. */
    private final Key key = new Key(new Object[32], new boolean[32], 0, 0);
    /** The bind values, in the order of the walk, and the binder of each: the first {@link #paramCount}. */
    Param<?>[] params = new Param<?>[8];
    DirectTypes.Binder[] binders = new DirectTypes.Binder[8];
    int paramCount;
    /** The columns of the {@code RETURNING} clause, and the reader of each: the first {@link #returnedCount}. */
    Field<?>[] returned = new Field<?>[4];
    DirectTypes.Reader[] readers = new DirectTypes.Reader[4];
    int returnedCount;
    private boolean inUse;

    private UpdateShape() {
    }

    /** @return what the shape's SQL depends on, without bind values: for looking up the cache only */
    Key key() {
        return key;
    }

    /** @return a copy of the key that the cache may keep */
    Key keyCopy() {
        return new Key(Arrays.copyOf(key.parts, key.length), Arrays.copyOf(key.types, key.length), key.length,
                key.hash);
    }

    /** Gives the shape back to its thread, without its references to the bind values. */
    void release() {
        Arrays.fill(params, 0, paramCount, null);
        paramCount = 0;
        inUse = false;
    }

    /**
     * The shape of an update, with or without a {@code RETURNING} clause of the table's own
     * columns (each of a type {@link DirectTypes} can read), or {@code null} when it has none. A
     * shape returned must be {@linkplain #release() released}.
     *
     * @param settings the settings, canonical (compared by identity): see {@link DirectUpdate}
     * @param returning the fields returned, or {@code null} for no {@code RETURNING} clause
     */
    static @Nullable UpdateShape of(SQLDialect dialect, Settings settings, Table<?> table,
            Assignments assignments, Condition where, LockPlan<?> plan,
            @Nullable List<? extends SelectFieldOrAsterisk> returning) {
        UpdateShape shape = THREADS.get();
        if (shape.inUse) {
            shape = new UpdateShape();
        }
        shape.inUse = true;
        shape.key.length = 0;
        shape.paramCount = 0;
        shape.returnedCount = 0;
        if (shape.walk(dialect, settings, table, assignments, where, plan, returning)) {
            shape.key.hash = shape.key.computeHash();
            return shape;
        }
        shape.release();
        return null;
    }

    private boolean walk(SQLDialect dialect, Settings settings, Table<?> table, Assignments assignments,
            Condition where, LockPlan<?> plan, @Nullable List<? extends SelectFieldOrAsterisk> returning) {
        part(dialect);
        part(settings);
        part(table);
        part(plan.getClass());
        part(plan.versionColumn());
        part(plan.versionKind());
        part(SET);
        for (int i = 0; i < assignments.size(); i++) {
            part(assignments.column(i));
            if (!value(assignments.value(i))) {
                return false;
            }
        }
        part(WHERE);
        if (!lockedWhere(where, plan.check()) || paramCount > MAX_PARAMS || hasDuplicate()) {
            return false;
        }
        if (returning != null) {
            part(RETURNING);
            for (int i = 0; i < returning.size(); i++) {
                DirectTypes.Reader reader;
                if (!(returning.get(i) instanceof TableField<?, ?> column) || table.field(column) != column
                        || !JooqInternals.defaultBinding(column) || (reader = DirectTypes.reader(column.getType())) == null) {
                    return false;
                }
                part(column);
                if (returnedCount == returned.length) {
                    returned = Arrays.copyOf(returned, 2 * returnedCount);
                    readers = Arrays.copyOf(readers, 2 * returnedCount);
                }
                returned[returnedCount] = column;
                readers[returnedCount++] = reader;
            }
        }
        return true;
    }

    private void part(@Nullable Object part) {
        part(part, false);
    }

    /** A data type joins the shape: compared by equality, not identity (see {@link Key}). */
    private void type(DataType<?> type) {
        part(type, true);
    }

    private void part(@Nullable Object part, boolean type) {
        Key k = key;
        if (k.length == k.parts.length) {
            k.parts = Arrays.copyOf(k.parts, 2 * k.length);
            k.types = Arrays.copyOf(k.types, 2 * k.length);
        }
        k.types[k.length] = type;
        k.parts[k.length++] = part;
    }

    /**
     * The statement's where clause and the plan's check, walked as {@code DSL.and(where, check)}
     * renders (without building that condition): the check alone when there is no where clause.
     */
    private boolean lockedWhere(Condition where, Condition check) {
        if (where == NO_CONDITION) {
            return condition(check);
        }
        part(AND);
        return condition(where) && condition(check);
    }

    private boolean condition(Condition c) {
        switch (JooqInternals.kind(c)) {
            case AND -> {
                QOM.And and = (QOM.And) c;
                part(AND);
                return condition(and.$arg1()) && condition(and.$arg2());
            }
            case OR -> {
                QOM.Or or = (QOM.Or) c;
                part(OR);
                return condition(or.$arg1()) && condition(or.$arg2());
            }
            case COMPARISON -> {
                QOM.CompareCondition<?, ?> compare = (QOM.CompareCondition<?, ?>) c;
                part(c.getClass());
                return operand(compare.$arg1()) && operand(compare.$arg2());
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * A SET value: a bind value, a column, an arithmetic expression of SET values, a cast of one,
     * or {@code current_timestamp} (without precision), {@code current_date},
     * {@code current_time}. An expression's class and data type join the shape.
     */
    private boolean value(Field<?> f) {
        switch (JooqInternals.kind(f)) {
            case PARAM -> {
                return param(f);
            }
            case COLUMN -> {
                part(f);
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
        part(f.getClass());
        type(f.getDataType());
    }

    private boolean operand(Field<?> f) {
        if (JooqInternals.kind(f) == Kind.COLUMN) {
            part(f);
            return true;
        }
        return param(f);
    }

    /** A bind value of an admitted type: its data type joins the shape, itself the bind values. */
    private boolean param(Field<?> f) {
        if (JooqInternals.kind(f) != Kind.PARAM) {
            return false;
        }
        Param<?> p = (Param<?>) f;
        DirectTypes.Binder binder = DirectTypes.binder(p.getValue());
        if (binder == null || p.isInline() || !(p.getParamName() == null || p.getParamName().isEmpty())
                || !JooqInternals.defaultBinding(p)) {
            return false;
        }
        part(PARAM);
        type(p.getDataType());
        if (paramCount == params.length) {
            params = Arrays.copyOf(params, 2 * paramCount);
            binders = Arrays.copyOf(binders, 2 * paramCount);
        }
        params[paramCount] = p;
        binders[paramCount++] = binder;
        return true;
    }

    private boolean hasDuplicate() {
        for (int i = 0; i < paramCount; i++) {
            for (int j = i + 1; j < paramCount; j++) {
                if (params[i] == params[j]) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The parts a shape's SQL depends on, compared by identity, data types by equality (jOOQ makes
     * a new data type for some bind values and expressions, equal but for nullability and default).
     * The thread's shape fills its key in place; the cache keeps copies.
     */
    static final class Key {
        private @Nullable Object[] parts;
        /**
         * Which parts are data types, known by position: {@code instanceof} against jOOQ's
         * interfaces scans the dozens of interfaces of its classes, which cost more than the rest of
         * the key.
         */
        private boolean[] types;
        private int length;
        private int hash;

        private Key(@Nullable Object[] parts, boolean[] types, int length, int hash) {
            this.parts = parts;
            this.types = types;
            this.length = length;
            this.hash = hash;
        }

        /**
         * Parts by identity; a data type by its Java type, which equal data types share (jOOQ's
         * {@code DataType.hashCode()} hashes its names and costs more).
         */
        private int computeHash() {
            int h = 1;
            for (int i = 0; i < length; i++) {
                Object part = parts[i];
                h = 31 * h + System.identityHashCode(types[i] ? ((DataType<?>) part).getType() : part);
            }
            return h;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            if (!(o instanceof Key other) || other.hash != hash || other.length != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                Object a = parts[i];
                Object b = other.parts[i];
                if (a != b && (!types[i] || !other.types[i] || !a.equals(b))) {
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
            return "UpdateShape" + Arrays.toString(Arrays.copyOfRange(parts, 2, length));
        }
    }
}
