package dev.occ.internal.direct;

import org.jooq.Param;
import org.jooq.TableField;
import org.jooq.conf.Settings;
import org.jooq.conf.SettingsTools;
import org.jooq.impl.DefaultBinding;
import org.jooq.impl.IdentityConverter;
import org.jooq.impl.QOM;
import org.jooq.tools.JooqLogger;
import org.jooq.tools.LoggerListener;

/**
 * Everything the direct path relies on that jOOQ does not promise as API, in one place. When jOOQ
 * is upgraded, these are what to check (the equivalence tests in {@code DirectUpdateTest} and
 * {@code DirectTypesTest} fail when one of them no longer holds):
 * <ul>
 * <li>the query object model ({@code org.jooq.impl.QOM}: {@code And}, {@code Or}, the comparisons),
 *     which jOOQ marks experimental, to walk a where clause;</li>
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
    enum Kind { AND, OR, COMPARISON, COLUMN, PARAM, OTHER }

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

    /** @return whether jOOQ binds this bind value with its own default binding and no conversion */
    static boolean defaultBinding(Param<?> p) {
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
