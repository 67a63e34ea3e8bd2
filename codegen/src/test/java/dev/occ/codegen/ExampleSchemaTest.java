package dev.occ.codegen;

import static dev.occ.codegen.OccGeneratorTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.occ.codegen.Generation.GeneratedSources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * occ's generator over occ's example schema, as {@code dev.occ.postgres.FlywayPostgresDatabase}
 * migrates it on a real PostgreSQL: the versioned tables carry occ's version metadata.
 */
class ExampleSchemaTest {

    @TempDir
    Path target;

    /**
     * The versioned tables of occ's example schema (an int and a bigint counter, a timestamptz
     * timestamp) carry occ's metadata, the others none, and the classes compile against occ-runtime.
     * What PostgreSQL makes of the schema's types, comments and indexes is checked by occ-postgres's
     * {@code FlywayPostgresDatabaseTest}.
     */
    @Test
    void theVersionedTablesCarryOccsMetadata() throws Exception {
        GeneratedSources sources = Generation.ofDirectory(Generation.EXAMPLE_SCHEMA, target)
                .packageName("dev.occ.example")
                .schemata("public")
                .recordVersionFields("version")
                .recordTimestampFields("public\\.player\\.updated_at")
                .run();

        String resource = sources.read("tables/Resource.java");
        assertContains(resource, "implements VersionedTable<ResourceRecord, Integer> {");

        assertContains(sources.read("tables/Player.java"), "implements VersionedTable<PlayerRecord, OffsetDateTime> {");
        assertContains(sources.read("tables/Document.java"), "implements VersionedTable<DocumentRecord, Long> {");
        assertFalse(sources.read("tables/AuditEvent.java").contains("VersionedTable"));
        assertFalse(sources.read("tables/Team.java").contains("VersionedTable"));
        assertFalse(sources.exists("tables/FlywaySchemaHistory.java"));

        Compilation.compile(sources.javaFiles(), target.resolve("classes"));
    }
}
