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
import java.time.ZoneId;
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
     * The database property that lets a timestamp version column be set to the transaction's start
     * time by a {@code BEFORE UPDATE} trigger ({@code true}); without it such a trigger fails
     * generation.
     */
    static final String ALLOW_TRANSACTION_TIME_TRIGGERS = "occ.allowTransactionTimeTriggers";

    /**
     * What generation decided: the version column of every versioned table, and one line per table
     * saying whether it is versioned and why.
     *
     * @param versioned the version column of every versioned table, in the database's table order
     * @param decisions one line per table, as logged
     */
    record Plan(Map<TableDefinition, VersionColumn> versioned, List<String> decisions) {
    }

    /**
     * Chooses and checks the version column of every table in the database, and logs one line per
     * table: versioned (the column, its kind, the rule that picked it) or not, and why not when a
     * column looked like a version; warnings for a {@code timestamp without time zone} version and
     * for {@code BEFORE UPDATE} triggers on timestamp-versioned tables; the columns PostgreSQL
     * computes.
     *
     * @param database the database, with jOOQ's record version and timestamp settings applied
     * @return the plan
     * @throws VersionColumnException naming every unsuitable version column, and every trigger that
     *     sets a timestamp version to the transaction's start time
     */
    static Plan plan(Database database) {
        List<String> versionPatterns = configured(database.getRecordVersionFields());
        List<String> timestampPatterns = configured(database.getRecordTimestampFields());
        boolean convention = versionPatterns.isEmpty() && timestampPatterns.isEmpty();
        boolean allowTriggers = Boolean.parseBoolean(
                database.getProperties().getProperty(ALLOW_TRANSACTION_TIME_TRIGGERS, "false"));
        Catalogue catalogue = Catalogue.read(database);

        Map<TableDefinition, VersionColumn> result = new LinkedHashMap<>();
        List<String> decisions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (TableDefinition table : database.getTables()) {
            List<VersionColumn> candidates = convention
                    ? byConvention(table)
                    : byPatterns(table, versionPatterns, timestampPatterns);
            String notVersionable = notVersionable(table, catalogue);
            StringBuilder decision = new StringBuilder("occ: ").append(Sql.qualified(table));
            if (candidates.isEmpty()) {
                decision.append(": not versioned, ").append(noCandidate(table, convention, versionPatterns,
                        timestampPatterns, notVersionable));
            } else if (notVersionable != null) {
                decision.append(": not versioned, it ").append(notVersionable).append(", so its column ")
                        .append(Sql.identifier(candidates.get(0).column().getName()))
                        .append(" is not a version column");
            } else {
                boolean valid = true;
                for (VersionColumn candidate : candidates) {
                    String problem = problem(candidate);
                    if (problem != null) {
                        problems.add(problem);
                        valid = false;
                    }
                }
                if (!valid) {
                    continue;
                }
                VersionColumn chosen = candidates.get(0);
                result.put(table, chosen);
                decision.append(": versioned on ").append(Sql.identifier(chosen.column().getName())).append(" (")
                        .append(chosen.kind()).append(", by ").append(chosen.ruleDescription()).append(")");
                if (chosen.kind() == VersionKind.TIMESTAMP) {
                    decision.append(timestampNotes(chosen, catalogue, allowTriggers, problems));
                }
            }
            List<String> generated = catalogue.generatedColumns(table);
            if (!generated.isEmpty()) {
                decision.append("; computed by PostgreSQL (GENERATED ALWAYS AS ... STORED), so not writable: ")
                        .append(String.join(", ", generated.stream().map(Sql::identifier).toList()));
            }
            decisions.add(decision.toString());
            log.info(decision.toString());
        }
        if (!problems.isEmpty()) {
            throw new VersionColumnException(problems);
        }
        return new Plan(result, List.copyOf(decisions));
    }

    /**
     * Why a table has no version column: nothing matched, and what came close (a name that matches
     * only when case is ignored, a {@code version} column of another type).
     */
    private static String noCandidate(TableDefinition table, boolean convention, List<String> versionPatterns,
            List<String> timestampPatterns, String notVersionable) {
        String prefix = notVersionable == null ? "" : "it " + notVersionable + ", and ";
        if (convention) {
            for (ColumnDefinition column : table.getColumns()) {
                if (VersionColumn.CONVENTION_NAME.equalsIgnoreCase(column.getName())) {
                    return prefix + "its column " + Sql.identifier(column.getName()) + " has type "
                            + displayType(column) + ", and occ's default convention takes only integer columns named "
                            + VersionColumn.CONVENTION_NAME + "; name version columns in <recordVersionFields> or"
                            + " <recordTimestampFields> to choose others";
                }
            }
            return prefix + "no column named " + VersionColumn.CONVENTION_NAME + " (occ's default convention)";
        }
        for (var entry : List.of(Map.entry("<recordVersionFields>", versionPatterns),
                Map.entry("<recordTimestampFields>", timestampPatterns))) {
            for (String pattern : entry.getValue()) {
                Pattern ignoringCase = Pattern.compile(pattern, Pattern.COMMENTS | Pattern.CASE_INSENSITIVE);
                for (ColumnDefinition column : table.getColumns()) {
                    if (ignoringCase.matcher(column.getName()).matches()
                            || ignoringCase.matcher(column.getQualifiedName()).matches()) {
                        return prefix + "its column " + Sql.identifier(column.getName()) + " matches "
                                + entry.getKey() + " pattern " + pattern + " only when case is ignored, and jOOQ"
                                + " matches these patterns case-sensitively (so does occ, to lock on the column"
                                + " store() locks on); write (?i)" + pattern + " to take it";
                    }
                }
            }
        }
        return prefix + "no column matches <recordVersionFields> " + versionPatterns + " or <recordTimestampFields> "
                + timestampPatterns;
    }

    /**
     * The notes on a timestamp version: a {@code timestamp without time zone} column, and the
     * {@code BEFORE UPDATE} row triggers that may overwrite the value occ writes. A trigger whose
     * source assigns the transaction's start time to the column is a problem unless
     * {@value #ALLOW_TRANSACTION_TIME_TRIGGERS} is set.
     */
    private static String timestampNotes(VersionColumn chosen, Catalogue catalogue, boolean allowTriggers,
            List<String> problems) {
        StringBuilder notes = new StringBuilder();
        String name = Sql.identifier(chosen.column().getName());
        String table = Sql.qualified(chosen.table());
        String type = sqlType(chosen.column());
        if (type.equals("timestamp") || type.equals("timestamp without time zone")) {
            String warning = "occ: version column " + chosen.sqlName() + " is a timestamp without time zone: a"
                    + " value in a daylight saving gap of the JVM's time zone (" + ZoneId.systemDefault()
                    + ") does not survive the round trip through JDBC, so a locked update can miss its own row;"
                    + " use timestamptz (alter table " + table + " alter column " + name + " type timestamptz using "
                    + name + " at time zone 'UTC')";
            log.warn(warning);
            notes.append("; WARNING timestamp without time zone, use timestamptz");
        }
        for (Catalogue.Trigger trigger : catalogue.beforeUpdateTriggers(chosen.table())) {
            String fix = "new." + name + " := greatest(clock_timestamp(), old." + name
                    + " + interval '1 microsecond')";
            if (setsTransactionTime(trigger.source(), chosen.column().getName())) {
                String problem = "occ: the BEFORE UPDATE trigger " + Sql.identifier(trigger.name()) + " on " + table
                        + " sets the version column " + name + " to the transaction's start time (function "
                        + trigger.function() + "), overwriting the version occ writes: two locked updates of a row"
                        + " in one transaction leave it unchanged, and a transaction that started earlier moves it"
                        + " backwards, so a stale copy can overwrite a newer row; in " + trigger.function()
                        + " assign " + fix + " instead, or set the database property "
                        + ALLOW_TRANSACTION_TIME_TRIGGERS + " to true to accept the risk";
                if (allowTriggers) {
                    log.warn(problem.replace(", or set the database property " + ALLOW_TRANSACTION_TIME_TRIGGERS
                            + " to true to accept the risk", " (accepted by " + ALLOW_TRANSACTION_TIME_TRIGGERS + ")"));
                    notes.append("; WARNING BEFORE UPDATE trigger ").append(Sql.identifier(trigger.name()))
                            .append(" sets it to the transaction's start time (accepted by ")
                            .append(ALLOW_TRANSACTION_TIME_TRIGGERS).append(")");
                } else {
                    problems.add(problem);
                }
            } else {
                notes.append("; BEFORE UPDATE trigger ").append(Sql.identifier(trigger.name())).append(" (function ")
                        .append(trigger.function()).append(") may overwrite it: the trigger must give a value later")
                        .append(" than the old one even within one transaction, e.g. ").append(fix);
            }
        }
        return notes.toString();
    }

    /**
     * Whether a trigger function's source assigns the transaction's start time ({@code now()},
     * {@code current_timestamp}, {@code transaction_timestamp()}, {@code localtimestamp}) to
     * {@code new.<column>}, as the whole right-hand side.
     */
    static boolean setsTransactionTime(String source, String column) {
        if (source == null) {
            return false;
        }
        String target = "new\\s*\\.\\s*(?:" + Pattern.quote(column) + "|\"" + Pattern.quote(column.replace("\"", "\"\""))
                + "\")";
        String value = "(?:now\\s*\\(\\s*\\)|current_timestamp(?:\\s*\\(\\s*\\d*\\s*\\))?"
                + "|transaction_timestamp\\s*\\(\\s*\\)|localtimestamp(?:\\s*\\(\\s*\\d*\\s*\\))?)";
        return Pattern.compile(target + "\\s*:?=\\s*" + value + "\\s*;", Pattern.CASE_INSENSITIVE).matcher(source).find();
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
    private static String notVersionable(TableDefinition table, Catalogue catalogue) {
        String parent = catalogue.partitionParent(table);
        if (parent != null) {
            return "is a partition of " + parent + ", whose class carries the version metadata (lock through the"
                    + " parent: its update finds the row in whichever partition holds it)";
        }
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
