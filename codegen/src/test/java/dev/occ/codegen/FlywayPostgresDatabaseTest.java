package dev.occ.codegen;

import static dev.occ.codegen.OccGeneratorTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.codegen.Generation.GeneratedSources;
import dev.occ.codegen.postgres.Postgres;
import dev.occ.codegen.postgres.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jooq.codegen.GeneratorException;
import org.jooq.meta.jaxb.Jdbc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlywayPostgresDatabase}: migrations applied to a real PostgreSQL, read back from its
 * catalogue, inside jOOQ's {@code GenerationTool} and with nothing started by hand.
 */
class FlywayPostgresDatabaseTest {

    @TempDir
    Path target;

    /**
     * occ's example schema has jsonb, timestamptz, identity columns, comments, a gin index, a
     * function and a trigger: the classes say what PostgreSQL says.
     */
    @Test
    void exampleSchemaComesOutAsPostgresSeesIt() throws Exception {
        GeneratedSources sources = Generation.ofDirectory(Generation.EXAMPLE_SCHEMA, target)
                .packageName("dev.occ.example")
                .schemata("public")
                .recordVersionFields("version")
                .recordTimestampFields("public\\.player\\.updated_at")
                .run();

        String resource = sources.read("tables/Resource.java");
        assertContains(resource, "public final TableField<ResourceRecord, JSONB> DATA = createField(DSL.name(\"data\"),"
                + " SQLDataType.JSONB.nullable(false)");
        assertContains(resource, "public final TableField<ResourceRecord, OffsetDateTime> UPDATED_AT ="
                + " createField(DSL.name(\"updated_at\"), SQLDataType.TIMESTAMPWITHTIMEZONE(6).nullable(false)");
        assertContains(resource, "SQLDataType.INTEGER.nullable(false).identity(true)");
        assertContains(resource, "A resource edited by many users; lost updates are prevented with the version column.");
        assertContains(resource, "implements VersionedTable<ResourceRecord, Integer> {");
        assertContains(sources.read("Indexes.java"), "RESOURCE_DATA_IDX");

        assertContains(sources.read("tables/Player.java"), "implements VersionedTable<PlayerRecord, OffsetDateTime> {");
        assertContains(sources.read("tables/Document.java"), "implements VersionedTable<DocumentRecord, Long> {");
        assertFalse(sources.read("tables/AuditEvent.java").contains("VersionedTable"));
        assertFalse(sources.read("tables/Team.java").contains("VersionedTable"));
        assertFalse(sources.exists("tables/FlywaySchemaHistory.java"));

        Compilation.compile(sources.javaFiles(), target.resolve("classes"));
    }

    /** jooq-codegen-maven sets the base directory to ${basedir}; relative locations start there. */
    @Test
    void relativeFilesystemLocationIsResolvedAgainstTheBaseDirectory() throws Exception {
        GeneratedSources sources = Generation.ofLocations("filesystem:versioned", target)
                .basedir(Generation.FIXTURES)
                .schemata("public")
                .run();
        assertContains(sources.read("tables/CounterInt.java"), "implements VersionedTable<CounterIntRecord, Integer>");
    }

    @Test
    void missingLocationFails() {
        GeneratorException e = assertThrows(GeneratorException.class,
                () -> Generation.ofLocations("filesystem:no/such/dir", target).basedir(Generation.FIXTURES).run());
        assertEquals("occ: Flyway location filesystem:no/such/dir does not exist (looked for "
                + Generation.FIXTURES.resolve("no/such/dir") + "); set the locations property of"
                + " dev.occ.codegen.FlywayPostgresDatabase to the directory holding the migrations,"
                + " e.g. filesystem:src/main/resources/db/migration", e.getMessage());
    }

    @Test
    void failedMigrationFailsGenerationAndLeavesNoDatabase() throws Exception {
        int before = codegenDatabases();
        GeneratorException e = assertThrows(GeneratorException.class,
                () -> Generation.of("broken", target).schemata("public").run());
        assertTrue(e.getMessage().startsWith("occ: could not migrate a PostgreSQL database from [filesystem:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("no_such_type"), e.getMessage());
        assertEquals(before, codegenDatabases());
    }

    @Test
    void databaseIsDroppedWhenGenerationEnds() throws Exception {
        int before = codegenDatabases();
        Generation.of("versioned", target).schemata("public").run();
        assertEquals(before, codegenDatabases());
    }

    @Test
    void flywayPropertiesArePassedToFlyway() throws Exception {
        GeneratedSources sources = Generation.of("placeholders", target)
                .schemata("public")
                .property("flyway.placeholders.table_name", "widget")
                .run();
        assertContains(sources.read("tables/Widget.java"), "implements VersionedTable<WidgetRecord, Integer>");
    }

    @Test
    void jdbcElementIsRefused() {
        PostgresServer server = Postgres.server();
        Exception e = assertThrows(Exception.class, () -> Generation.of("versioned", target)
                .jdbc(new Jdbc().withUrl(server.jdbcUrl("postgres")).withUser(server.user())
                        .withPassword(server.password() == null ? "" : server.password()))
                .run());
        assertEquals("occ: dev.occ.codegen.FlywayPostgresDatabase creates and migrates its own PostgreSQL database;"
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
