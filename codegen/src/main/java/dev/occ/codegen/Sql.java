package dev.occ.codegen;

import java.util.regex.Pattern;
import org.jooq.meta.TableDefinition;

/** Renders PostgreSQL identifiers for messages, quoting those that need it. */
final class Sql {

    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");

    private Sql() {
    }

    /**
     * @param name an identifier as stored in the catalogue
     * @return the identifier as it is written in SQL: unchanged when it is plain lower case, else
     *     double-quoted
     */
    static String identifier(String name) {
        return PLAIN.matcher(name).matches() ? name : '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * @param table a table
     * @return its schema-qualified name in SQL syntax, such as {@code public."OrderLine"}
     */
    static String qualified(TableDefinition table) {
        String schema = table.getSchema() == null ? "" : table.getSchema().getName();
        return (schema.isEmpty() ? "" : identifier(schema) + ".") + identifier(table.getName());
    }
}
