package dev.occ.internal;

import java.util.List;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.conf.SettingsTools;
import org.jooq.impl.DSL;

/**
 * The one way occ names tables, columns and keys in its messages, in the style of its code
 * generator: unquoted and qualified, {@code public.resource}, {@code public.resource.version},
 * {@code id = 42}.
 */
public final class Names {

    private Names() {
    }

    /** A table: {@code public.resource}, or {@code resource} when it has no schema. */
    public static String table(Table<?> table) {
        return table.getSchema() == null || table.getSchema().getName().isEmpty()
                ? table.getName() : table.getSchema().getName() + "." + table.getName();
    }

    /**
     * A table as the statement on {@code ctx} really wrote it: with jOOQ's render mapping applied
     * (a schema mapped from {@code public} to {@code tenant_a} is named {@code tenant_a.resource}).
     */
    public static String table(DSLContext ctx, Table<?> table) {
        Settings unquoted = SettingsTools.clone(ctx.settings()).withRenderQuotedNames(RenderQuotedNames.NEVER);
        return DSL.using(ctx.dialect(), unquoted).render(table);
    }

    /** A column with its table: {@code public.resource.version}, or its bare name when it has no table. */
    public static String column(Field<?> field) {
        return field instanceof TableField<?, ?> tf && tf.getTable() != null
                ? table(tf.getTable()) + "." + field.getName() : field.getName();
    }

    /** A row's key by the values of some of its columns: {@code id = 42, tenant = 7}. */
    public static String key(Record row, List<? extends Field<?>> keyColumns) {
        return keyColumns.stream().map(f -> f.getName() + " = " + row.get(f)).collect(Collectors.joining(", "));
    }
}
