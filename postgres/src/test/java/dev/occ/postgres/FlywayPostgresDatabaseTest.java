package dev.occ.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.jooq.codegen.GenerationTool;
import org.jooq.codegen.GeneratorException;
import org.jooq.codegen.JavaGenerator;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Property;
import org.jooq.meta.jaxb.SchemaMappingType;
import org.jooq.meta.jaxb.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlywayPostgresDatabase}: migrations applied to a real PostgreSQL, read back from its
 * catalogue, inside jOOQ's {@code GenerationTool} (with jOOQ's own {@link JavaGenerator}; occ's
 * generator is tested in occ-codegen) and with nothing started by hand.
 */
class FlywayPostgresDatabaseTest {

    /** The fixtures of these tests, one directory of Flyway migrations each. */
    static final Path FIXTURES = Paths.get("src/test/resources/fixtures").toAbsolutePath();
    /** occ's example schema, as the schema module ships it. */
    static final Path EXAMPLE_SCHEMA = Paths.get("../schema/src/main/resources/db/migration").toAbsolutePath().normalize();
    static final String PACKAGE = "dev.occ.fixture";

    @TempDir
    Path target;

    /** A generation as jooq-codegen-maven runs one: locations as written, optional base directory. */
    private Configuration configuration(String locations, Path basedir, Map<String, String> properties) {
        Database database = new Database()
                .withName(FlywayPostgresDatabase.class.getName())
                .withSchemata(new SchemaMappingType().withInputSchema("public"))
                .withProperties(new Property().withKey(FlywayPostgresDatabase.LOCATIONS).withValue(locations));
        properties.forEach((key, value) -> database.withProperties(new Property().withKey(key).withValue(value)));
        return new Configuration()
                .withBasedir(basedir == null ? null : basedir.toString())
                .withLogging(Logging.WARN)
                .withGenerator(new Generator()
                        .withName(JavaGenerator.class.getName())
                        .withDatabase(database)
                        .withTarget(new Target().withPackageName(PACKAGE).withDirectory(target.toString())));
    }

    private String generated(String relative) throws IOException {
        return Files.readString(target.resolve(PACKAGE.replace('.', '/')).resolve(relative));
    }

    private static void assertContains(String text, String expected) {
        assertTrue(text.contains(expected), () -> "expected to find:\n" + expected + "\nin:\n" + text);
    }

    /**
     * occ's example schema has jsonb, timestamptz, identity columns, comments, a gin index, a
     * function and a trigger: the classes say what PostgreSQL says.
     */
    @Test
    void exampleSchemaComesOutAsPostgresSeesIt() throws Exception {
        GenerationTool.generate(configuration("filesystem:" + EXAMPLE_SCHEMA, null, Map.of()));

        String resource = generated("tables/Resource.java");
        assertContains(resource, "public final TableField<ResourceRecord, JSONB> DATA = createField(DSL.name(\"data\"),"
                + " SQLDataType.JSONB.nullable(false)");
        assertContains(resource, "public final TableField<ResourceRecord, OffsetDateTime> UPDATED_AT ="
                + " createField(DSL.name(\"updated_at\"), SQLDataType.TIMESTAMPWITHTIMEZONE(6).nullable(false)");
        assertContains(resource, "SQLDataType.INTEGER.nullable(false).identity(true)");
        assertContains(resource, "A resource edited by many users; lost updates are prevented with the version column.");
        assertContains(generated("Indexes.java"), "RESOURCE_DATA_IDX");
        assertTrue(Files.exists(target.resolve("dev/occ/fixture/tables/AuditEvent.java")));
        assertFalse(Files.exists(target.resolve("dev/occ/fixture/tables/FlywaySchemaHistory.java")),
                "Flyway's history table is not the user's schema");
    }

    /** jooq-codegen-maven sets the base directory to ${basedir}; relative locations start there. */
    @Test
    void relativeFilesystemLocationIsResolvedAgainstTheBaseDirectory() throws Exception {
        GenerationTool.generate(configuration("filesystem:postgres/migration", FIXTURES.getParent(), Map.of()));
        assertContains(generated("tables/Probe.java"), "public class Probe extends TableImpl<ProbeRecord> {");
    }

    @Test
    void missingLocationFails() {
        GeneratorException e = assertThrows(GeneratorException.class,
                () -> GenerationTool.generate(configuration("filesystem:no/such/dir", FIXTURES, Map.of())));
        assertEquals("occ: Flyway location filesystem:no/such/dir does not exist (looked for "
                + FIXTURES.resolve("no/such/dir") + "); set the locations property of"
                + " dev.occ.postgres.FlywayPostgresDatabase to the directory holding the migrations,"
                + " e.g. filesystem:src/main/resources/db/migration", e.getMessage());
    }

    @Test
    void failedMigrationFailsGenerationAndLeavesNoDatabase() throws Exception {
        int before = codegenDatabases();
        GeneratorException e = assertThrows(GeneratorException.class,
                () -> GenerationTool.generate(configuration("filesystem:" + FIXTURES.resolve("broken"), null, Map.of())));
        assertTrue(e.getMessage().startsWith("occ: could not migrate a PostgreSQL database from [filesystem:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("no_such_type"), e.getMessage());
        assertEquals(before, codegenDatabases());
    }

    @Test
    void databaseIsDroppedWhenGenerationEnds() throws Exception {
        int before = codegenDatabases();
        GenerationTool.generate(configuration(Servers.PROBE_MIGRATIONS, null, Map.of()));
        assertTrue(Files.exists(target.resolve("dev/occ/fixture/tables/Probe.java")));
        assertEquals(before, codegenDatabases());
    }

    @Test
    void flywayPropertiesArePassedToFlyway() throws Exception {
        GenerationTool.generate(configuration("filesystem:" + FIXTURES.resolve("placeholders"), null,
                Map.of("flyway.placeholders.table_name", "widget")));
        assertContains(generated("tables/Widget.java"), "public class Widget extends TableImpl<WidgetRecord> {");
    }

    @Test
    void jdbcElementIsRefused() {
        PostgresServer server = Postgres.server();
        Configuration configuration = configuration(Servers.PROBE_MIGRATIONS, null, Map.of())
                .withJdbc(new Jdbc().withUrl(server.jdbcUrl("postgres")).withUser(server.user())
                        .withPassword(server.password() == null ? "" : server.password()));
        Exception e = assertThrows(Exception.class, () -> GenerationTool.generate(configuration));
        assertEquals("occ: dev.occ.postgres.FlywayPostgresDatabase creates and migrates its own PostgreSQL database;"
                + " remove the <jdbc> element from the code generator configuration (set OCC_JDBC_URL to use an"
                + " existing server)", e.getMessage());
    }

    private static int codegenDatabases() throws SQLException {
        try (Connection c = Postgres.connect(Postgres.server(), "postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from pg_database where datname like 'occ\\_codegen\\_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
