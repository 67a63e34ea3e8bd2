package dev.occ.codegen;

import static dev.occ.codegen.OccGeneratorTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Logging;
import org.jooq.util.jaxb.tools.MiniJAXB;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Up to date means no database: a second generation from unchanged migrations, configuration and occ
 * runs in a JVM where no PostgreSQL can be reached at all, and succeeds without touching the
 * generated classes; an edited migration, an edited configuration, an edited generated file or
 * {@code -Docc.codegen.force=true} generate again.
 */
class UpToDateTest {

    /** A server nobody listens on: any attempt to reach PostgreSQL fails at once. */
    private static final String UNREACHABLE = "jdbc:postgresql://127.0.0.1:1/nothing";

    @TempDir
    Path project;

    private Path migrations;
    private Path target;

    @BeforeEach
    void copyFixture() throws IOException {
        migrations = Files.createDirectories(project.resolve("src/main/resources/db/migration"));
        Files.copy(Generation.FIXTURES.resolve("readme/V1__readme_example.sql"),
                migrations.resolve("V1__readme_example.sql"));
        target = project.resolve("target/generated-sources/jooq");
    }

    private Generation generation() {
        return Generation.ofLocations("filesystem:src/main/resources/db/migration", target)
                .basedir(project)
                .packageName("com.example.db")
                .schemata("public")
                .recordVersionFields("version")
                .recordTimestampFields("public\\.player\\.updated_at");
    }

    private Path stamp() {
        return target.resolve("occ-codegen-com.example.db.txt");
    }

    private Path noteClass() {
        return target.resolve("com/example/db/tables/Note.java");
    }

    @Test
    void secondGenerationNeedsNoDatabase() throws Exception {
        generation().run();
        String stamp = Files.readString(stamp());
        assertContains(stamp, "inputs=");
        assertContains(stamp, "# occ: public.note: versioned on version (COUNTER, by <recordVersionFields> pattern version)");
        FileTime generatedAt = Files.getLastModifiedTime(noteClass());

        ChildRun second = runInChildJvm(generation().configuration(), Map.of());

        assertEquals(0, second.exit(), second.output());
        assertContains(second.output(), "occ: up to date");
        assertFalse(second.output().contains("occ: using"), "no server was looked for:\n" + second.output());
        assertEquals(generatedAt, Files.getLastModifiedTime(noteClass()), "the generated classes are left alone");
        assertEquals(stamp, Files.readString(stamp()));
    }

    @Test
    void forcedGenerationContactsTheDatabase() throws Exception {
        generation().run();

        ChildRun forced = runInChildJvm(generation().configuration(), Map.of(UpToDate.FORCE, "true"));

        assertNotEquals(0, forced.exit(), "forced, so it looked for the unreachable server:\n" + forced.output());
        assertContains(forced.output(), UNREACHABLE.replace("/nothing", ""));
    }

    @Test
    void editedMigrationRegenerates() throws Exception {
        generation().run();
        String before = Files.readString(stamp());
        Files.writeString(migrations.resolve("V2__label.sql"),
                "create table label (id integer primary key, version integer not null default 1);\n");

        generation().run();

        assertTrue(Files.exists(target.resolve("com/example/db/tables/Label.java")), "the new table is generated");
        String after = Files.readString(stamp());
        assertNotEquals(before, after);
        assertContains(after, "# occ: public.label: versioned on version (COUNTER");
    }

    @Test
    void editedConfigurationRegenerates() throws Exception {
        generation().run();

        generation().recordTimestampFields("nothing").run();

        assertContains(Files.readString(stamp()), "# occ: public.player: not versioned, no column matches");
        assertFalse(Files.readString(target.resolve("com/example/db/tables/Player.java")).contains("VersionedTable"));
    }

    @Test
    void editedGeneratedFileRegenerates() throws Exception {
        generation().run();
        String original = Files.readString(noteClass());
        Files.writeString(noteClass(), "// edited by hand\n");

        generation().run();

        assertEquals(original, Files.readString(noteClass()));
    }

    /** The result of a generation in another JVM: its exit code and everything it printed. */
    record ChildRun(int exit, String output) {
    }

    /**
     * Runs jOOQ's {@code GenerationTool} on the configuration in a new JVM where PostgreSQL cannot be
     * reached: {@code OCC_JDBC_URL} names a port nobody listens on (the first way the finder tries,
     * so it neither looks for Docker nor starts a server) and installed binaries are ignored.
     */
    private ChildRun runInChildJvm(Configuration configuration, Map<String, String> systemProperties)
            throws Exception {
        configuration.setLogging(Logging.INFO);
        Path xml = project.resolve("codegen.xml");
        Files.writeString(xml, MiniJAXB.marshal(configuration), StandardCharsets.UTF_8);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                + File.pathSeparator + Paths.get("target/classes").toAbsolutePath()
                + File.pathSeparator + Paths.get("target/test-classes").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, "-Docc.postgres.installation=none"));
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("org.jooq.codegen.GenerationTool");
        command.add(xml.toString());
        Path log = project.resolve("child.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OCC_JDBC_URL", UNREACHABLE);
        builder.environment().remove("DOCKER_HOST");
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child generation did not end within 120 s:\n" + Files.readString(log));
        }
        return new ChildRun(process.exitValue(), Files.readString(log));
    }
}
