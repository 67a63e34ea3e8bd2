package dev.occ.codegen;

import dev.occ.VersionKind;
import dev.occ.codegen.VersionColumn.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jooq.meta.ColumnDefinition;
import org.jooq.meta.DataTypeDefinition;
import org.jooq.meta.Database;
import org.jooq.meta.DomainDefinition;
import org.jooq.meta.TableDefinition;
import org.jooq.tools.JooqLogger;

/**
 * Decides, for every table of a jOOQ-meta {@link Database}, which column is its version column, and
 * checks that each chosen column can be one.
 *
 * <p>The rules:
 * <ol>
 * <li>When jOOQ's {@code <recordVersionFields>} or {@code <recordTimestampFields>} is set, a table's
 * version column is the column those regular expressions match, found exactly as jOOQ's
 * {@code JavaGenerator} finds the columns of {@code getRecordVersion()} and
 * {@code getRecordTimestamp()}: patterns in order, columns in order, matching the column's name or
 * its qualified name. When both match one table, the counter is occ's version (jOOQ's
 * {@code store()} checks both).</li>
 * <li>When neither is set, the default convention: a column named {@code version} (in any case) of
 * an integer type is the version column, a counter. A {@code version} column of another type (Flyway's
 * {@code flyway_schema_history.version} is a {@code varchar}) is not a lock column and is left
 * alone.</li>
 * <li>Only ordinary tables with a primary key (real, or jOOQ's synthetic or overridden one) are
 * versioned: an optimistic update identifies one row, and views, materialized views and table-valued
 * functions have no row identity. A matching column of another table is logged and left alone.</li>
 * <li>A chosen column must be NOT NULL and of a counter type (smallint, integer, bigint) or a
 * timestamp type (timestamptz, timestamp); otherwise generation fails with a
 * {@link VersionColumnException} naming the table, the column and the fix.</li>
 * </ol>
 */
final class VersionColumns {

    private static final JooqLogger log = JooqLogger.getLogger(VersionColumns.class);

    /**
     * The SQL types a version column of one kind may have: their catalogue names, how a message
     * names them, and the type a fix suggests.
     */
    private record Admitted(Set<String> types, String described, String suggested) {
    }

    /** What each of occ-runtime's {@link VersionKind}s admits; generation knowledge, not runtime's. */
    private static final Map<VersionKind, Admitted> ADMITTED = new EnumMap<>(Map.of(
            VersionKind.COUNTER, new Admitted(
                    Set.of("smallint", "int2", "integer", "int", "int4", "bigint", "int8"),
                    "smallint, integer or bigint", "bigint"),
            VersionKind.TIMESTAMP, new Admitted(
                    Set.of("timestamp with time zone", "timestamptz", "timestamp without time zone", "timestamp"),
                    "timestamp with time zone (timestamptz) or timestamp", "timestamptz")));

    private VersionColumns() {
    }

    /**
     * Chooses and checks the version column of every table in the database.
     *
     * @param database the database, with jOOQ's record version and timestamp settings applied
     * @return the version column of every versioned table, in the database's table order
     * @throws VersionColumnException naming every unsuitable version column
     */
    static Map<TableDefinition, VersionColumn> plan(Database database) {
        List<String> versionPatterns = configured(database.getRecordVersionFields());
        List<String> timestampPatterns = configured(database.getRecordTimestampFields());
        boolean convention = versionPatterns.isEmpty() && timestampPatterns.isEmpty();

        Map<TableDefinition, VersionColumn> result = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (TableDefinition table : database.getTables()) {
            List<VersionColumn> candidates = convention
                    ? byConvention(table)
                    : byPatterns(table, versionPatterns, timestampPatterns);
            if (candidates.isEmpty()) {
                continue;
            }
            String notVersionable = notVersionable(table);
            if (notVersionable != null) {
                log.info("occ: no version metadata", Sql.qualified(table) + " " + notVersionable
                        + ", so its column " + candidates.get(0).column().getName() + " is not a version column");
                continue;
            }
            boolean valid = true;
            for (VersionColumn candidate : candidates) {
                String problem = problem(candidate);
                if (problem != null) {
                    problems.add(problem);
                    valid = false;
                }
            }
            if (valid) {
                VersionColumn chosen = candidates.get(0);
                result.put(table, chosen);
                log.info("occ: versioned table", chosen.sqlName() + " (" + chosen.kind() + ", by "
                        + chosen.ruleDescription() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new VersionColumnException(problems);
        }
        return result;
    }

    private static List<String> configured(String[] patterns) {
        if (patterns == null) {
            return List.of();
        }
        return Arrays.stream(patterns).filter(p -> p != null && !p.isBlank()).toList();
    }

    /**
     * The convention's candidate: the first column named {@code version} in any case whose type is an
     * integer. A {@code version} column of another type (such as Flyway's own
     * {@code flyway_schema_history.version}, a {@code varchar}) is not a lock column, so it is logged
     * and left alone; a nullable integer one is a candidate, and fails the nullability check.
     */
    private static List<VersionColumn> byConvention(TableDefinition table) {
        for (ColumnDefinition column : table.getColumns()) {
            if (VersionColumn.CONVENTION_NAME.equalsIgnoreCase(column.getName())) {
                if (ADMITTED.get(VersionKind.COUNTER).types().contains(sqlType(column))) {
                    return List.of(new VersionColumn(table, column, VersionKind.COUNTER, Rule.DEFAULT_CONVENTION, null));
                }
                log.info("occ: not a version column", Sql.qualified(table) + "." + Sql.identifier(column.getName())
                        + " has type " + displayType(column) + ", and occ's default convention takes only integer"
                        + " columns named " + VersionColumn.CONVENTION_NAME + "; name version columns in"
                        + " <recordVersionFields> or <recordTimestampFields> to choose others");
            }
        }
        return List.of();
    }

    /** The counter match first, then the timestamp match, as jOOQ's JavaGenerator finds them. */
    private static List<VersionColumn> byPatterns(TableDefinition table, List<String> versionPatterns,
            List<String> timestampPatterns) {
        List<VersionColumn> result = new ArrayList<>(2);
        VersionColumn counter = firstMatch(table, versionPatterns, VersionKind.COUNTER, Rule.RECORD_VERSION_FIELDS);
        if (counter != null) {
            result.add(counter);
        }
        VersionColumn timestamp = firstMatch(table, timestampPatterns, VersionKind.TIMESTAMP, Rule.RECORD_TIMESTAMP_FIELDS);
        if (timestamp != null) {
            result.add(timestamp);
        }
        return result;
    }

    private static VersionColumn firstMatch(TableDefinition table, List<String> patterns, VersionKind kind,
            Rule rule) {
        for (String pattern : patterns) {
            // the flags and the two names matched are those of JavaGenerator's getRecordVersion() loop
            Pattern p = Pattern.compile(pattern, Pattern.COMMENTS);
            for (ColumnDefinition column : table.getColumns()) {
                if (p.matcher(column.getName()).matches() || p.matcher(column.getQualifiedName()).matches()) {
                    return new VersionColumn(table, column, kind, rule, pattern);
                }
            }
        }
        return null;
    }

    /** Why a table cannot carry version metadata, or {@code null} when it can. */
    private static String notVersionable(TableDefinition table) {
        if (table.isView()) {
            return "is a view";
        }
        if (table.isMaterializedView()) {
            return "is a materialized view";
        }
        if (table.isTableValuedFunction()) {
            return "is a table-valued function";
        }
        if (table.getPrimaryKey() == null) {
            return "has no primary key (an optimistic update must identify its row; declare a primary key"
                    + " or a jOOQ <syntheticObjects> primary key)";
        }
        return null;
    }

    /** What is wrong with a chosen column, as the whole error message, or {@code null}. */
    static String problem(VersionColumn candidate) {
        ColumnDefinition column = candidate.column();
        String type = sqlType(column);
        Admitted admitted = ADMITTED.get(candidate.kind());
        String name = Sql.identifier(column.getName());
        String table = Sql.qualified(candidate.table());
        if (!admitted.types().contains(type)) {
            return "occ: version column " + candidate.sqlName() + " has type " + displayType(column)
                    + ", which cannot be a " + candidate.kind().name().toLowerCase(Locale.ROOT) + " version; a "
                    + candidate.rule().label() + " column must be " + admitted.described()
                    + ": change its type (alter table " + table + " alter column " + name + " type "
                    + admitted.suggested() + " using " + name + "::" + admitted.suggested()
                    + ") or " + alternative(candidate);
        }
        if (column.getDefinedType().isNullable()) {
            return "occ: version column " + candidate.sqlName() + " is nullable; declare it NOT NULL (alter table "
                    + table + " alter column " + name + " set not null) or " + alternative(candidate);
        }
        return null;
    }

    private static String alternative(VersionColumn candidate) {
        return candidate.rule() == Rule.DEFAULT_CONVENTION
                ? "choose the version columns explicitly with <recordVersionFields> or <recordTimestampFields>"
                        + " (occ's default convention applies only when neither is set)"
                : "remove it from " + candidate.rule().label();
    }

    /** The column's SQL type name in lower case; for a domain, its base type's. */
    static String sqlType(ColumnDefinition column) {
        DataTypeDefinition type = column.getDefinedType();
        DomainDefinition domain = column.getDomain();
        if (domain != null && domain.getDefinedType() != null) {
            type = domain.getDefinedType();
        }
        return type.getType().toLowerCase(Locale.ROOT);
    }

    private static String displayType(ColumnDefinition column) {
        DataTypeDefinition type = column.getDefinedType();
        String name = sqlType(column);
        if ((name.equals("numeric") || name.equals("decimal")) && type.getPrecision() > 0) {
            return name + "(" + type.getPrecision() + "," + type.getScale() + ")";
        }
        return name;
    }
}
