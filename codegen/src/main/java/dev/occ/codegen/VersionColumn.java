package dev.occ.codegen;

import dev.occ.VersionKind;
import org.jooq.meta.ColumnDefinition;
import org.jooq.meta.TableDefinition;

/**
 * The version column occ's generator chose for one table, and why.
 *
 * @param table the table
 * @param column its version column
 * @param kind whether the column is a counter or a timestamp
 * @param rule the rule that picked the column
 * @param pattern the configured regular expression that matched, or {@code null} for the default
 *     convention
 */
record VersionColumn(TableDefinition table, ColumnDefinition column, VersionKind kind, Rule rule, String pattern) {

    /** The name of the column a table is versioned on under the default convention. */
    static final String CONVENTION_NAME = "version";

    /** The rule that picks a table's version column. */
    enum Rule {
        /** jOOQ's {@code <recordVersionFields>} regular expression matched the column. */
        RECORD_VERSION_FIELDS("<recordVersionFields>"),
        /** jOOQ's {@code <recordTimestampFields>} regular expression matched the column. */
        RECORD_TIMESTAMP_FIELDS("<recordTimestampFields>"),
        /**
         * Neither setting is configured, and the column is named {@value VersionColumn#CONVENTION_NAME}.
         */
        DEFAULT_CONVENTION("occ's default convention");

        private final String label;

        Rule(String label) {
            this.label = label;
        }

        /** @return the setting's element name, or a name for the convention */
        String label() {
            return label;
        }
    }

    /**
     * Says in words which rule picked the column, for logs and for generated Javadoc (which escapes
     * it).
     *
     * @return a phrase such as {@code <recordVersionFields> pattern public\.resource\.version}
     */
    String ruleDescription() {
        if (rule == Rule.DEFAULT_CONVENTION) {
            return "occ's default convention: a NOT NULL integer column named " + CONVENTION_NAME
                    + " is the version column when neither <recordVersionFields> nor <recordTimestampFields> is set";
        }
        return rule.label() + " pattern " + pattern;
    }

    /** @return the column's qualified name in SQL syntax, such as {@code public.resource.version} */
    String sqlName() {
        return Sql.qualified(table) + "." + Sql.identifier(column.getName());
    }
}
