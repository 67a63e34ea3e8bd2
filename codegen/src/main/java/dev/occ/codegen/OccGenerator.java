package dev.occ.codegen;

import dev.occ.VersionKind;
import dev.occ.VersionedRecord;
import dev.occ.VersionedTable;
import dev.occ.postgres.FlywayPostgresDatabase;
import java.util.Map;
import org.jooq.TableField;
import org.jooq.codegen.GeneratorStrategy;
import org.jooq.codegen.GeneratorStrategy.Mode;
import org.jooq.codegen.JavaGenerator;
import org.jooq.codegen.JavaWriter;
import org.jooq.meta.Database;
import org.jooq.meta.Definition;
import org.jooq.meta.TableDefinition;
import org.jooq.tools.JooqLogger;

/**
 * occ's jOOQ code generator: everything jOOQ's {@link JavaGenerator} writes, plus typed version
 * metadata on every table that has a version column. Configure it in jooq-codegen-maven as
 *
 * <pre>
 * &lt;generator&gt;
 *   &lt;name&gt;dev.occ.codegen.OccGenerator&lt;/name&gt;
 *   ...
 * &lt;/generator&gt;
 * </pre>
 *
 * <p>For a versioned table such as {@code resource} with {@code version integer not null}:
 * <ul>
 * <li>the table class implements {@code dev.occ.VersionedTable<ResourceRecord, Integer>}:
 * {@code RESOURCE.versionField()} returns {@code RESOURCE.VERSION} and {@code RESOURCE.versionKind()}
 * returns {@code VersionKind.COUNTER};</li>
 * <li>the record class implements {@code dev.occ.VersionedRecord<ResourceRecord, Integer>}, whose
 * {@code versionField()} is the same column;</li>
 * <li>the Javadoc of both says which rule picked the version column.</li>
 * </ul>
 * Tables without a version column get none of this, so locking on them does not compile. The
 * generated code needs only jOOQ and {@code occ-runtime} at run time.
 *
 * <p>Which column is the version:
 * <ol>
 * <li>the column matched by jOOQ's {@code <recordVersionFields>} (a counter: smallint, integer,
 * bigint) or {@code <recordTimestampFields>} (a timestamp: timestamptz, timestamp), exactly the
 * column of jOOQ's own {@code getRecordVersion()} / {@code getRecordTimestamp()}, so that
 * {@code UpdatableRecord.store()} with {@code Settings.withExecuteWithOptimisticLocking(true)} locks
 * on the same column. When both match a table, the counter is occ's version.</li>
 * <li>when neither setting is given, occ's default convention: a column named {@code version} (in
 * any case) is a counter version. The table class then also overrides {@code getRecordVersion()}, so
 * that jOOQ's own optimistic locking in {@code store()} uses it too, as if
 * {@code <recordVersionFields>} had named it.</li>
 * </ol>
 * Only ordinary tables with a primary key (real, or jOOQ's synthetic one) are versioned: an
 * optimistic update identifies one row, and a view has no row identity. A version column that is
 * nullable or of an unsuitable type makes generation fail with a {@link VersionColumnException}
 * naming the table, the column and the fix.
 *
 * <p>Each generation logs one line per table (versioned: the column, its kind and the rule; or not,
 * and why not when a column looked like a version), warns about {@code timestamp without time zone}
 * versions and {@code BEFORE UPDATE} triggers on timestamp-versioned tables (failing for one that sets
 * the version to the transaction's start time, unless the database property
 * {@code occ.allowTransactionTimeTriggers} is {@code true}), and names the columns PostgreSQL computes.
 * With a {@code dev.occ.postgres.FlywayPostgresDatabase}, a generation whose migrations, configuration
 * and occ are unchanged since the last one is skipped without a database (see {@link #generate}).
 */
public class OccGenerator extends JavaGenerator {

    /** occ-runtime's versioned-table interface. */
    static final String VERSIONED_TABLE = VersionedTable.class.getName();

    /** occ-runtime's versioned-record interface. */
    static final String VERSIONED_RECORD = VersionedRecord.class.getName();

    /** occ-runtime's enum of version kinds. */
    static final String VERSION_KIND = VersionKind.class.getName();

    private static final JooqLogger log = JooqLogger.getLogger(OccGenerator.class);

    private Map<TableDefinition, VersionColumn> versioned = Map.of();
    private Pending pending;
    /** The strategy as configured, before {@link #setStrategy} wrapped it. */
    private GeneratorStrategy configuredStrategy;

    /** An interface to add to the class of one definition in one mode, while it is generated. */
    private record Pending(Definition definition, Mode mode, String type) {
    }

    /**
     * Creates the generator; jOOQ's {@code GenerationTool} does this from the configured
     * {@code <generator><name>}.
     */
    public OccGenerator() {
        // [occ#11] GenerationTool creates the database next and asks it for a connection before
        // generate(): an up-to-date generation must not start PostgreSQL
        FlywayPostgresDatabase.deferMigrationOnThisThread();
        if (!log.isInfoEnabled()) {
            // [occ#11] a quiet build (mvn -q) prints nothing but errors: not jOOQ's banner and tip either
            System.getProperties().putIfAbsent("org.jooq.no-logo", "true");
            System.getProperties().putIfAbsent("org.jooq.no-tips", "true");
        }
    }

    /**
     * Wraps the configured strategy so that versioned classes implement occ's interfaces; all naming
     * stays the configured strategy's.
     *
     * @param strategy the configured strategy
     */
    @Override
    public void setStrategy(GeneratorStrategy strategy) {
        configuredStrategy = strategy;
        super.setStrategy(new OccStrategy(strategy, this::extraInterface));
    }

    /**
     * Generates, unless the classes are up to date: when the database is a
     * {@link FlywayPostgresDatabase} and its migrations, the configuration and occ itself are what the
     * last generation into this package was made from (recorded in
     * {@code <target directory>/occ-codegen-<package>.txt}), nothing is generated and no database is
     * started or contacted; {@code -Docc.codegen.force=true} generates anyway. Otherwise chooses and
     * checks every table's version column, generates, and records the inputs.
     *
     * @param db the database to generate from
     * @throws VersionColumnException when a version column is nullable or of an unsuitable type; no
     *     code is generated then
     */
    @Override
    public void generate(Database db) {
        UpToDate upToDate = UpToDate.of(this, configuredStrategy, db);
        if (upToDate.current()) {
            log.info("occ: up to date", getTargetPackage() + " in " + getTargetDirectory()
                    + " (same migrations, configuration and occ as recorded in " + upToDate.stamp().getFileName()
                    + "; no database needed; -D" + UpToDate.FORCE + "=true regenerates)");
            return;
        }
        // the same settings super.generate applies, so that the tables (and keys) read here are the
        // ones generated from
        db.setIncludeRelations(generateRelations());
        db.setTableValuedFunctions(generateTableValuedFunctions());
        String why = upToDate.whyGenerated();
        if (db instanceof FlywayPostgresDatabase flyway) {
            flyway.migrate(); // its failure is the first and only error, not wrapped by jOOQ-meta
        }
        VersionColumns.Plan plan = VersionColumns.plan(db);
        versioned = plan.versioned();
        super.generate(db);
        upToDate.record(plan.decisions());
        log.info("occ: generated", getTargetPackage() + " in " + getTargetDirectory() + ": "
                + plan.decisions().size() + " tables, " + versioned.size() + " versioned (" + why + ")");
    }

    private String extraInterface(Definition definition, Mode mode) {
        Pending p = pending;
        return p != null && p.definition() == definition && p.mode() == mode ? p.type() : null;
    }

    /**
     * Generates a table class; a versioned one implements {@code dev.occ.VersionedTable}.
     *
     * @param table the table
     * @param out the writer of its class
     */
    @Override
    protected void generateTable(TableDefinition table, JavaWriter out) {
        VersionColumn version = versioned.get(table);
        if (version == null) {
            super.generateTable(table, out);
            return;
        }
        String record = out.ref(getStrategy().getFullJavaClassName(table, Mode.RECORD));
        generateWith(new Pending(table, Mode.DEFAULT,
                VERSIONED_TABLE + "<" + record + ", " + versionType(version, out) + ">"),
                () -> super.generateTable(table, out));
    }

    /**
     * Generates a record class; a versioned one implements {@code dev.occ.VersionedRecord}.
     *
     * @param table the record's table
     * @param out the writer of its class
     */
    @Override
    protected void generateRecord(TableDefinition table, JavaWriter out) {
        VersionColumn version = versioned.get(table);
        if (version == null) {
            super.generateRecord(table, out);
            return;
        }
        String record = getStrategy().getJavaClassName(table, Mode.RECORD);
        generateWith(new Pending(table, Mode.RECORD,
                VERSIONED_RECORD + "<" + record + ", " + versionType(version, out) + ">"),
                () -> super.generateRecord(table, out));
    }

    private void generateWith(Pending p, Runnable generation) {
        pending = p;
        try {
            generation.run();
        } finally {
            pending = null;
        }
    }

    /** The version column's Java type as jOOQ declares its field, imported into {@code out}. */
    private String versionType(VersionColumn version, JavaWriter out) {
        return out.ref(getJavaType(version.column().getType(resolver(out)), out));
    }

    /**
     * Writes the table's Javadoc; a versioned table's says which column is the version and which
     * rule picked it.
     *
     * @param table the table
     * @param out the writer of its class
     */
    @Override
    protected void generateTableClassJavadoc(TableDefinition table, JavaWriter out) {
        VersionColumn version = versioned.get(table);
        if (version == null || !generateJavadoc()) {
            super.generateTableClassJavadoc(table, out);
            return;
        }
        String field = getStrategy().getJavaIdentifier(version.column());
        printClassJavadoc(out, tableComment(table) + "\n<p>\nVersioned for optimistic locking: implements {@link "
                + VERSIONED_TABLE + "}, whose {@link #versionField()} is {@link #" + field + "} (column <code>"
                + html(version.sqlName()) + "</code>) and whose {@link #versionKind()} is {@link " + VERSION_KIND
                + "#" + version.kind() + "}. The version column was picked by " + html(version.ruleDescription()) + ".");
    }

    /**
     * Writes the record's Javadoc; a versioned record's says which column is the version and which
     * rule picked it.
     *
     * @param table the record's table
     * @param out the writer of its class
     */
    @Override
    protected void generateRecordClassJavadoc(TableDefinition table, JavaWriter out) {
        VersionColumn version = versioned.get(table);
        if (version == null || !generateJavadoc()) {
            super.generateRecordClassJavadoc(table, out);
            return;
        }
        printClassJavadoc(out, tableComment(table) + "\n<p>\nVersioned for optimistic locking: implements {@link "
                + VERSIONED_RECORD + "}, whose {@link #versionField()} is the " + version.kind()
                + " column <code>" + html(version.sqlName()) + "</code>. The version column was picked by "
                + html(version.ruleDescription()) + ".");
    }

    private String tableComment(TableDefinition table) {
        String comment = table.getComment();
        return generateCommentsOnTables() && comment != null && !comment.isBlank()
                ? escapeEntities(comment)
                : "The table <code>" + table.getQualifiedOutputName() + "</code>.";
    }

    /**
     * Adds {@code versionField()} and {@code versionKind()} to a versioned table's class and, when the
     * default convention picked the column, jOOQ's {@code getRecordVersion()}.
     *
     * @param table the table
     * @param out the writer of its class
     */
    @Override
    protected void generateTableClassFooter(TableDefinition table, JavaWriter out) {
        super.generateTableClassFooter(table, out);
        VersionColumn version = versioned.get(table);
        if (version == null) {
            return;
        }
        String record = out.ref(getStrategy().getFullJavaClassName(table, Mode.RECORD));
        String type = versionType(version, out);
        String field = getStrategy().getJavaIdentifier(version.column());
        String kind = out.ref(VERSION_KIND);

        out.javadoc("The version column of this table, <code>%s</code>, picked by %s.",
                html(version.sqlName()), html(version.ruleDescription()));
        out.override();
        out.println("public %s<%s, %s> versionField() {", TableField.class, record, type);
        out.println("return %s;", field);
        out.println("}");

        out.javadoc("Whether the version column is a counter or a timestamp: %s.", version.kind());
        out.override();
        out.println("public %s versionKind() {", kind);
        out.println("return %s.%s;", kind, version.kind());
        out.println("}");

        if (version.rule() == VersionColumn.Rule.DEFAULT_CONVENTION) {
            // [occ#3] the convention stands in for <recordVersionFields>, so jOOQ's own
            // UpdatableRecord.store() locking uses the same column
            out.javadoc("The version column of jOOQ's own optimistic locking in {@link org.jooq.UpdatableRecord#store()},"
                    + " the same as {@link #versionField()}, picked by %s.", html(version.ruleDescription()));
            out.override();
            out.println("public %s<%s, %s> getRecordVersion() {", TableField.class, record, type);
            out.println("return %s;", field);
            out.println("}");
        }
    }

    /**
     * Adds {@code versionField()} to a versioned table's record class.
     *
     * @param table the record's table
     * @param out the writer of its class
     */
    @Override
    protected void generateRecordClassFooter(TableDefinition table, JavaWriter out) {
        super.generateRecordClassFooter(table, out);
        VersionColumn version = versioned.get(table);
        if (version == null) {
            return;
        }
        String record = getStrategy().getJavaClassName(table, Mode.RECORD);
        String tableId = out.ref(getStrategy().getFullJavaClassName(table)) + "." + getStrategy().getJavaIdentifier(table);
        String field = getStrategy().getJavaIdentifier(version.column());

        out.javadoc("The version column of this record's table, <code>%s</code>, picked by %s.",
                html(version.sqlName()), html(version.ruleDescription()));
        out.override();
        out.println("public %s<%s, %s> versionField() {", TableField.class, record, versionType(version, out));
        out.println("return %s.%s;", tableId, field);
        out.println("}");
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
