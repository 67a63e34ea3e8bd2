package dev.occ.internal.direct;

import org.jooq.Field;
import org.jooq.Param;
import org.jooq.TableField;
import org.jooq.conf.Settings;
import org.jooq.conf.SettingsTools;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultBinding;
import org.jooq.impl.IdentityConverter;
import org.jooq.impl.QOM;
import org.jooq.tools.JooqLogger;
import org.jooq.tools.LoggerListener;
import org.jspecify.annotations.Nullable;

/**
 * Everything the direct path relies on that jOOQ does not promise as API, in one place. When jOOQ
 * is upgraded, these are what to check (the equivalence tests in {@code DirectUpdateTest} and
 * {@code DirectTypesTest} fail when one of them no longer holds):
 * <ul>
 * <li>the query object model ({@code org.jooq.impl.QOM}: {@code And}, {@code Or}, the comparisons,
 *     the arithmetic operators, {@code Cast}, {@code CurrentTimestamp}, {@code CurrentDate},
 *     {@code CurrentTime}), which jOOQ marks experimental, to walk SET values and a where clause;</li>
 * <li>that {@code CurrentTimestamp} keeps its precision in a private field {@code precision}
 *     (read by reflection; without it, no {@code current_timestamp} takes the direct path);</li>
 * <li>that jOOQ's own bindings are the nested classes {@code DefaultBinding$Default...}, and that a
 *     bind value with such a binding and an {@link IdentityConverter} is bound by one plain JDBC
 *     setter;</li>
 * <li>that {@code Query.getParams()} lists the bind values in the order jOOQ binds them (checked
 *     once per shape against {@code getBindValues()});</li>
 * <li>the loggers of jOOQ's {@link LoggerListener} and {@link DefaultBinding}, which log executions
 *     and bind values at DEBUG and TRACE;</li>
 * <li>that jOOQ adds an empty {@code RenderMapping} to a configuration's settings the first time it
 *     renders with them ({@link SettingsTools#getRenderMapping}), which changes their equality.</li>
 * </ul>
 */
final class JooqInternals {

    private static final JooqLogger EXECUTE_LOG = JooqLogger.getLogger(LoggerListener.class);
    private static final JooqLogger BIND_LOG = JooqLogger.getLogger(DefaultBinding.class);
    private static final String DEFAULT_BINDING_PREFIX = DefaultBinding.class.getName() + "$Default";

    private JooqInternals() {
    }

    /** What a jOOQ class is to a shape. */
    enum Kind {
        AND, OR, COMPARISON, COLUMN, PARAM,
        /** {@code + - * /} of two fields ({@code QOM.UOperator2}). */
        ARITHMETIC,
        /** {@code cast(.. as ..)}, such as {@code DSL.currentOffsetDateTime()} renders. */
        CAST,
        /** {@code current_timestamp}, with a precision or without: see {@link #withoutPrecision}. */
        CURRENT_TIMESTAMP,
        /** {@code current_date} and {@code current_time}: nothing but their data type. */
        CURRENT_DATE_OR_TIME,
        OTHER
    }

    /**
     * jOOQ's {@code CurrentTimestamp} keeps its optional precision in a private field, which its
     * query object model does not show; {@code null} when the field is not there (then no
     * {@code current_timestamp} has a shape).
     */
    private static final java.lang.reflect.@Nullable Field TIMESTAMP_PRECISION = timestampPrecision();

    private static java.lang.reflect.@Nullable Field timestampPrecision() {
        try {
            java.lang.reflect.Field f = DSL.currentTimestamp().getClass().getDeclaredField("precision");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** @return the first or second operand of an {@link Kind#ARITHMETIC} field */
    static Field<?> operand(Field<?> arithmetic, int which) {
        if (arithmetic instanceof QOM.Add<?> a) {
            return which == 1 ? a.$arg1() : a.$arg2();
        }
        if (arithmetic instanceof QOM.Sub<?> s) {
            return which == 1 ? s.$arg1() : s.$arg2();
        }
        if (arithmetic instanceof QOM.Mul<?> m) {
            return which == 1 ? m.$arg1() : m.$arg2();
        }
        QOM.Div<?> d = (QOM.Div<?>) arithmetic;
        return which == 1 ? d.$arg1() : d.$arg2();
    }

    /**
     * @return whether this {@code current_timestamp} has no precision, so that its rendering
     *     depends on its class and data type only
     */
    static boolean withoutPrecision(Object currentTimestamp) {
        java.lang.reflect.Field precision = TIMESTAMP_PRECISION;
        if (precision == null) {
            return false;
        }
        try {
            return precision.get(currentTimestamp) == null;
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The kind of each jOOQ class, kept per class: jOOQ's classes implement dozens of interfaces,
     * and {@code instanceof} against an interface scans them.
     */
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
            if (QOM.Add.class.isAssignableFrom(type) || QOM.Sub.class.isAssignableFrom(type)
                    || QOM.Mul.class.isAssignableFrom(type) || QOM.Div.class.isAssignableFrom(type)) {
                return Kind.ARITHMETIC;
            }
            if (QOM.Cast.class.isAssignableFrom(type)) {
                return Kind.CAST;
            }
            if (QOM.CurrentTimestamp.class.isAssignableFrom(type)) {
                return Kind.CURRENT_TIMESTAMP;
            }
            if (QOM.CurrentDate.class.isAssignableFrom(type) || QOM.CurrentTime.class.isAssignableFrom(type)) {
                return Kind.CURRENT_DATE_OR_TIME;
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

    static Kind kind(Object part) {
        return KINDS.get(part.getClass());
    }

    /** @return whether jOOQ binds or reads this field with its own default binding and no conversion */
    static boolean defaultBinding(Field<?> p) {
        return p.getConverter() instanceof IdentityConverter
                && p.getBinding().getClass().getName().startsWith(DEFAULT_BINDING_PREFIX);
    }

    /**
     * Gives the settings the empty {@code RenderMapping} jOOQ gives them at their first rendering,
     * so that their equality does not change after the first update and a shape is cached once.
     */
    static void settleRenderMapping(Settings settings) {
        SettingsTools.getRenderMapping(settings);
    }

    /** @return whether jOOQ would log this execution or its bind values */
    static boolean logging() {
        return EXECUTE_LOG.isDebugEnabled() || BIND_LOG.isTraceEnabled();
    }
}
