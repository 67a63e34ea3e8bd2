package dev.occ.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.codegen.Generation.GeneratedSources;
import dev.occ.postgres.TestDatabaseExtension;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Schema;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.UpdatableRecord;
import org.jooq.conf.Settings;
import org.jooq.exception.DataChangedException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * occ's generator over the fixture schema {@code fixtures/versioned}: an int, a bigint and a
 * timestamptz version, a table without a version, a composite primary key, quoted mixed-case
 * identifiers, a table in a second schema, a view and a table without a primary key. Generated twice:
 * once with neither {@code <recordVersionFields>} nor {@code <recordTimestampFields>} (occ's default
 * convention), once with both set. Both outputs are compiled with the JDK's compiler, loaded, and
 * checked against the PostgreSQL catalogue.
 */
class OccGeneratorTest {

    private static final String CONVENTION = "dev.occ.fixture.convention";
    private static final String CONFIGURED = "dev.occ.fixture.configured";
    /** Counter: any column named version, exact case or "Version"; timestamp: stamped.updated_at only. */
    private static final String VERSION_FIELDS = "version | .*\\.\"?Version\"?";
    private static final String TIMESTAMP_FIELDS = "public\\.stamped\\.updated_at";

    @TempDir
    static Path dir;

    static GeneratedSources convention;
    static GeneratedSources configured;
    @RegisterExtension
    static final TestDatabaseExtension database = TestDatabaseExtension.migrated("occ_generator_test",
            "filesystem:" + Generation.FIXTURES.resolve("versioned"));
    private static ClassLoader compiledConvention;

    @BeforeAll
    static void generate() throws Exception {
        convention = Generation.of("versioned", dir.resolve("convention"))
                .packageName(CONVENTION)
                .schemata("public", "billing")
                .run();
        configured = Generation.of("versioned", dir.resolve("configured"))
                .packageName(CONFIGURED)
                .schemata("public", "billing")
                .recordVersionFields(VERSION_FIELDS)
                .recordTimestampFields(TIMESTAMP_FIELDS)
                .run();
    }

    @Test
    void intVersionTableImplementsVersionedTable() {
        String table = convention.read("public_/tables/CounterInt.java");
        assertContains(table, "public class CounterInt extends TableImpl<CounterIntRecord>"
                + " implements VersionedTable<CounterIntRecord, Integer> {");
        assertContains(table, "import dev.occ.VersionedTable;");
        assertContains(table, "public TableField<CounterIntRecord, Integer> versionField() {\n        return VERSION;\n    }");
        assertContains(table, "public VersionKind versionKind() {\n        return VersionKind.COUNTER;\n    }");
    }

    @Test
    void intVersionRecordImplementsVersionedRecord() {
        String record = convention.read("public_/tables/records/CounterIntRecord.java");
        assertContains(record, "public class CounterIntRecord extends UpdatableRecordImpl<CounterIntRecord>"
                + " implements VersionedRecord<CounterIntRecord, Integer> {");
        assertContains(record, "public TableField<CounterIntRecord, Integer> versionField() {\n"
                + "        return CounterInt.COUNTER_INT.VERSION;\n    }");
    }

    @Test
    void bigintVersionIsALong() {
        String table = convention.read("public_/tables/CounterBig.java");
        assertContains(table, "implements VersionedTable<CounterBigRecord, Long> {");
        assertContains(convention.read("public_/tables/records/CounterBigRecord.java"),
                "implements VersionedRecord<CounterBigRecord, Long> {");
    }

    @Test
    void timestamptzVersionIsAnOffsetDateTimeTimestamp() {
        String table = configured.read("public_/tables/Stamped.java");
        assertContains(table, "implements VersionedTable<StampedRecord, OffsetDateTime> {");
        assertContains(table, "public TableField<StampedRecord, OffsetDateTime> versionField() {\n        return UPDATED_AT;\n    }");
        assertContains(table, "return VersionKind.TIMESTAMP;");
        // jOOQ's own getRecordTimestamp(), so UpdatableRecord.store() locks on the same column
        assertContains(table, "public TableField<StampedRecord, OffsetDateTime> getRecordTimestamp() {\n        return UPDATED_AT;");
        assertContains(configured.read("public_/tables/records/StampedRecord.java"),
                "implements VersionedRecord<StampedRecord, OffsetDateTime> {");
    }

    @Test
    void timestampIsNotAVersionByConvention() {
        assertNoVersionMetadata(convention, "Stamped");
    }

    @Test
    void tableWithoutVersionColumnGetsNothing() {
        assertNoVersionMetadata(convention, "Plain");
        assertNoVersionMetadata(configured, "Plain");
    }

    @Test
    void compositePrimaryKeyIsVersioned() {
        String table = convention.read("public_/tables/Composite.java");
        assertContains(table, "implements VersionedTable<CompositeRecord, Integer> {");
        assertContains(convention.read("public_/Keys.java"), "Internal.createUniqueKey(Composite.COMPOSITE,"
                + " DSL.name(\"composite_pkey\"), new TableField[] { Composite.COMPOSITE.TENANT_ID,"
                + " Composite.COMPOSITE.ITEM_ID }, true)");
    }

    @Test
    void quotedMixedCaseIdentifiers() {
        for (GeneratedSources sources : List.of(convention, configured)) {
            String table = sources.read("public_/tables/Orderline.java");
            assertContains(table, "implements VersionedTable<OrderlineRecord, Integer> {");
            assertContains(table, "VERSION = createField(DSL.name(\"Version\"), SQLDataType.INTEGER.nullable(false)");
            assertContains(table, "public TableField<OrderlineRecord, Integer> versionField() {\n        return VERSION;");
            assertContains(table, "<code>public.\"OrderLine\".\"Version\"</code>");
        }
    }

    @Test
    void domainOverBigintIsACounter() {
        assertContains(convention.read("public_/tables/WithDomain.java"), "implements VersionedTable<WithDomainRecord, Long> {");
    }

    @Test
    void tableInASecondSchema() {
        String table = convention.read("billing/tables/Invoice.java");
        assertContains(table, "package " + CONVENTION + ".billing.tables;");
        assertContains(table, "implements VersionedTable<InvoiceRecord, Long> {");
        assertContains(table, "<code>billing.invoice.version</code>");
    }

    @Test
    void viewsGetNoVersionMetadata() {
        // the views select a version column, and the configured pattern matches it, yet a view has no
        // row identity
        assertNoVersionMetadata(convention, "CounterIntNames");
        assertNoVersionMetadata(configured, "CounterIntNames");
        assertContains(configured.read("public_/tables/CounterIntNames.java"), "TableOptions.view(");
        assertNoVersionMetadata(convention, "CounterBigSnapshot");
        assertNoVersionMetadata(configured, "CounterBigSnapshot");
        assertContains(configured.read("public_/tables/CounterBigSnapshot.java"), "TableOptions.materializedView(");
    }

    @Test
    void tableWithoutPrimaryKeyGetsNoVersionMetadata() {
        assertNoVersionMetadata(convention, "EventLog");
        assertNoVersionMetadata(configured, "EventLog");
    }

    /** A jOOQ synthetic primary key gives a table the row identity an optimistic update needs. */
    @Test
    void syntheticPrimaryKeyCounts() throws Exception {
        GeneratedSources sources = Generation.of("versioned", dir.resolve("synthetic"))
                .packageName("dev.occ.fixture.synthetic")
                .schemata("public")
                .syntheticPrimaryKey("public\\.event_log", "happened_at")
                .run();
        assertContains(sources.read("tables/EventLog.java"), "implements VersionedTable<EventLogRecord, Integer> {");
        assertContains(sources.read("tables/records/EventLogRecord.java"),
                "extends UpdatableRecordImpl<EventLogRecord> implements VersionedRecord<EventLogRecord, Integer> {");
    }

    @Test
    void javadocSaysWhichRulePickedTheColumn() {
        String byConvention = convention.read("public_/tables/CounterInt.java");
        assertContains(byConvention, " * An int counter version.\n * <p>\n * Versioned for optimistic locking:"
                + " implements {@link dev.occ.VersionedTable},");
        assertContains(flatten(byConvention), "The version column was picked by occ's default convention:"
                + " a NOT NULL integer column named version is the version column when neither"
                + " &lt;recordVersionFields&gt; nor &lt;recordTimestampFields&gt; is set.");
        assertContains(flatten(convention.read("public_/tables/records/CounterIntRecord.java")),
                "implements {@link dev.occ.VersionedRecord}, whose {@link #versionField()} is the COUNTER column"
                        + " <code>public.counter_int.version</code>. The version column was picked by occ's default"
                        + " convention");

        assertContains(flatten(configured.read("public_/tables/CounterInt.java")),
                "The version column was picked by &lt;recordVersionFields&gt; pattern " + VERSION_FIELDS + ".");
        assertContains(flatten(configured.read("public_/tables/Stamped.java")),
                "whose {@link #versionKind()} is {@link dev.occ.VersionKind#TIMESTAMP}. The version column was"
                        + " picked by &lt;recordTimestampFields&gt; pattern " + TIMESTAMP_FIELDS + ".");
    }

    @Test
    void conventionAlsoGivesJooqItsRecordVersionExactlyOnce() {
        for (GeneratedSources sources : List.of(convention, configured)) {
            String table = sources.read("public_/tables/CounterInt.java");
            assertEquals(1, count(table, "getRecordVersion() {"), sources.packageName());
        }
        assertContains(convention.read("public_/tables/CounterInt.java"),
                "public TableField<CounterIntRecord, Integer> getRecordVersion() {\n        return VERSION;");
    }

    @Test
    void flywayHistoryTableIsNotGenerated() {
        assertFalse(convention.exists("public_/tables/FlywaySchemaHistory.java"));
        assertTrue(convention.exists("public_/tables/CounterInt.java"));
    }

    /** The generated code compiles, and what it says matches what PostgreSQL says. */
    @Nested
    class Compiled {

        @Test
        void conventionMetadataMatchesTheCatalogue() throws Exception {
            ClassLoader classes = compiledConvention();
            Map<String, String> expected = catalogue("""
                    select c.table_schema || '.' || c.table_name, c.column_name
                    from information_schema.columns c
                    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
                    where t.table_type = 'BASE TABLE'
                      and c.table_schema in ('public', 'billing')
                      and c.table_name <> 'flyway_schema_history'
                      and lower(c.column_name) = 'version'
                      and exists (select 1 from information_schema.table_constraints k
                                  where k.table_schema = c.table_schema and k.table_name = c.table_name
                                    and k.constraint_type = 'PRIMARY KEY')
                    """);
            assertEquals(Map.of("public.counter_int", "version", "public.counter_big", "version",
                    "public.composite", "version", "public.OrderLine", "Version", "billing.invoice", "version",
                    "public.with_domain", "version"),
                    expected, "the fixture changed: review this test");
            assertEquals(expected, checkedVersionColumns(classes, CONVENTION));
        }

        @Test
        void configuredMetadataMatchesTheCatalogue() throws Exception {
            ClassLoader classes = Compilation.compile(configured.javaFiles(), dir.resolve("configured-classes"));
            Map<String, String> expected = new TreeMap<>(catalogue("""
                    select c.table_schema || '.' || c.table_name, c.column_name
                    from information_schema.columns c
                    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
                    where t.table_type = 'BASE TABLE'
                      and c.table_schema in ('public', 'billing')
                      and c.table_name <> 'flyway_schema_history'
                      and (c.column_name in ('version', 'Version')
                           or (c.table_schema, c.table_name, c.column_name) = ('public', 'stamped', 'updated_at'))
                      and exists (select 1 from information_schema.table_constraints k
                                  where k.table_schema = c.table_schema and k.table_name = c.table_name
                                    and k.constraint_type = 'PRIMARY KEY')
                    """));
            assertEquals("updated_at", expected.get("public.stamped"));
            assertEquals(expected, checkedVersionColumns(classes, CONFIGURED));
        }

        /**
         * The default convention also gives jOOQ its {@code getRecordVersion()}, so jOOQ's own
         * optimistic locking in {@code UpdatableRecord.store()} works without any configuration.
         */
        @Test
        void conventionMakesJooqStoreLockOnTheVersion() throws Exception {
            ClassLoader classes = compiledConvention();
            Table<?> counterInt = table(classes, CONVENTION + ".public_.tables.CounterInt", "COUNTER_INT");
            Field<Integer> id = counterInt.field("id", Integer.class);
            Field<String> name = counterInt.field("name", String.class);
            Field<Integer> version = counterInt.field("version", Integer.class);
            DSLContext ctx = DSL.using(database.dataSource(), SQLDialect.POSTGRES,
                    new Settings().withExecuteWithOptimisticLocking(true));

            UpdatableRecord<?> inserted = (UpdatableRecord<?>) ctx.newRecord(counterInt);
            inserted.set(name, "first");
            inserted.store();
            Integer key = inserted.get(id);
            UpdatableRecord<?> mine = (UpdatableRecord<?>) ctx.fetchOne(counterInt, id.eq(key));
            UpdatableRecord<?> theirs = (UpdatableRecord<?>) ctx.fetchOne(counterInt, id.eq(key));
            assertNotNull(mine);
            assertNotNull(theirs);
            int before = mine.get(version);

            theirs.set(name, "theirs");
            assertEquals(1, theirs.store());
            assertEquals(before + 1, theirs.get(version));

            mine.set(name, "mine");
            assertThrows(DataChangedException.class, mine::store);
            assertEquals("theirs", ctx.select(name).from(counterInt).where(id.eq(key)).fetchOne(name));
            assertEquals(before + 1, ctx.select(version).from(counterInt).where(id.eq(key)).fetchOne(version));
        }
    }

    private static synchronized ClassLoader compiledConvention() {
        if (compiledConvention == null) {
            compiledConvention = Compilation.compile(convention.javaFiles(), dir.resolve("convention-classes"));
        }
        return compiledConvention;
    }

    /**
     * Checks every table of the generated schemata: a {@code VersionedTable} exposes a NOT NULL
     * version field of its own table whose Java type and kind fit the column's SQL type in the
     * catalogue, and its record class agrees; other tables' classes implement neither interface.
     *
     * @return the version column of each versioned table, keyed by schema.table
     */
    private static Map<String, String> checkedVersionColumns(ClassLoader classes, String packageName) throws Exception {
        Class<?> versionedTable = classes.loadClass(OccGenerator.VERSIONED_TABLE);
        Class<?> versionedRecord = classes.loadClass(OccGenerator.VERSIONED_RECORD);
        Method tableVersionField = versionedTable.getMethod("versionField");
        Method versionKind = versionedTable.getMethod("versionKind");
        Method recordVersionField = versionedRecord.getMethod("versionField");
        Map<String, String[]> columns = columns();

        Map<String, String> result = new HashMap<>();
        for (Schema schema : List.of(schema(classes, packageName + ".public_.Public", "PUBLIC"),
                schema(classes, packageName + ".billing.Billing", "BILLING"))) {
            for (Table<?> table : schema.getTables()) {
                String key = schema.getName() + "." + table.getName();
                Object record = DSL.using(SQLDialect.POSTGRES).newRecord(table);
                if (!versionedTable.isInstance(table)) {
                    assertFalse(versionedRecord.isInstance(record), key + "'s record is versioned, its table is not");
                    continue;
                }
                TableField<?, ?> field = (TableField<?, ?>) tableVersionField.invoke(table);
                assertSame(table, field.getTable(), key);
                assertSame(field, table.field(field.getName()), key);
                assertTrue(versionedRecord.isInstance(record), key + "'s table is versioned, its record is not");
                assertEquals(field, recordVersionField.invoke(record), key);

                String[] column = columns.get(key + "." + field.getName());
                assertNotNull(column, key + "." + field.getName() + " is not in the catalogue");
                String sqlType = column[0];
                assertEquals("NO", column[1], key + "." + field.getName() + " is nullable in the catalogue");
                assertFalse(field.getDataType().nullable(), key);
                assertEquals(javaType(sqlType), field.getType(), key);
                assertEquals(sqlType.startsWith("timestamp") ? "TIMESTAMP" : "COUNTER",
                        versionKind.invoke(table).toString(), key);
                result.put(key, field.getName());
            }
        }
        return result;
    }

    private static Class<?> javaType(String sqlType) {
        return switch (sqlType) {
            case "smallint" -> Short.class;
            case "integer" -> Integer.class;
            case "bigint" -> Long.class;
            case "timestamp with time zone" -> OffsetDateTime.class;
            case "timestamp without time zone" -> LocalDateTime.class;
            default -> throw new AssertionError("not a version type: " + sqlType);
        };
    }

    /** {@code schema.table.column} to {data_type, is_nullable}. */
    private static Map<String, String[]> columns() throws Exception {
        Map<String, String[]> result = new HashMap<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select table_schema, table_name, column_name, data_type, is_nullable"
                        + " from information_schema.columns where table_schema in ('public', 'billing')")) {
            while (rs.next()) {
                result.put(rs.getString(1) + "." + rs.getString(2) + "." + rs.getString(3),
                        new String[] {rs.getString(4), rs.getString(5)});
            }
        }
        return result;
    }

    private static Map<String, String> catalogue(String sql) throws Exception {
        Map<String, String> result = new HashMap<>();
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                result.put(rs.getString(1), rs.getString(2));
            }
        }
        return result;
    }

    private static Schema schema(ClassLoader classes, String className, String constant) throws Exception {
        return (Schema) classes.loadClass(className).getField(constant).get(null);
    }

    private static Table<?> table(ClassLoader classes, String className, String constant) throws Exception {
        return (Table<?>) classes.loadClass(className).getField(constant).get(null);
    }

    private static void assertNoVersionMetadata(GeneratedSources sources, String table) {
        for (String file : List.of("public_/tables/" + table + ".java", "public_/tables/records/" + table + "Record.java")) {
            String text = sources.read(file);
            assertFalse(text.contains("dev.occ.Version"), sources.packageName() + " " + file + " mentions occ-runtime");
            assertFalse(text.contains("versionField"), sources.packageName() + " " + file + " has versionField");
        }
    }

    static void assertContains(String text, String expected) {
        assertTrue(text.contains(expected), () -> "expected to find\n" + expected + "\nin\n" + text);
    }

    /** Javadoc lines joined, so that assertions do not depend on jOOQ's line wrapping. */
    static String flatten(String source) {
        return source.replaceAll("\n\\s*\\* ?", " ").replaceAll(" +", " ");
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
