package dev.occ.codegen;

import static dev.occ.codegen.OccGeneratorTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.occ.codegen.Generation.GeneratedSources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * occ's generator over occ's example schema, as {@code dev.occ.postgres.FlywayPostgresDatabase}
 * migrates it on a real PostgreSQL: the classes say what PostgreSQL says, and the versioned tables
 * carry occ's version metadata.
 */
class ExampleSchemaTest {

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
}
