package dev.occ.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.codegen.Generation.GeneratedSources;
import dev.occ.postgres.TestDatabase;
import dev.occ.postgres.TestDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version column that is nullable or of an unsuitable type fails generation with a message that
 * names the table, the column and the fix, and nothing is generated.
 */
class MisconfiguredVersionColumnTest {

    @RegisterExtension
    static final TestDatabaseExtension NULLABLE = TestDatabaseExtension.migrated("misconfigured_fix",
            "filesystem:" + Generation.FIXTURES.resolve("nullable"));

    @TempDir
    Path target;

    @Test
    void nullableTimestampVersion() {
        VersionColumnException e = assertThrows(VersionColumnException.class, () -> Generation.of("nullable", target)
                .schemata("public")
                .recordTimestampFields("public\\.player\\.updated_at")
                .run());
        assertEquals("occ: version column public.player.updated_at is nullable; declare it NOT NULL"
                + " (alter table public.player alter column updated_at set not null)"
                + " or remove it from <recordTimestampFields>", e.getMessage());
        assertEquals(List.of(e.getMessage()), e.problems());
        assertNothingGenerated();
    }

    @Test
    void nullableIntegerVersionByConvention() {
        VersionColumnException e = assertThrows(VersionColumnException.class, () -> Generation.of("nullable", target)
                .schemata("public")
                .run());
        assertEquals("occ: version column public.draft.version is nullable; declare it NOT NULL"
                + " (alter table public.draft alter column version set not null) or choose the version columns"
                + " explicitly with <recordVersionFields> or <recordTimestampFields>"
                + " (occ's default convention applies only when neither is set)", e.getMessage());
        assertNothingGenerated();
    }

    @Test
    void wrongCounterTypes() {
        VersionColumnException e = assertThrows(VersionColumnException.class, () -> Generation.of("wrongtype", target)
                .schemata("public")
                .recordVersionFields("version")
                .run());
        assertEquals(List.of(
                "occ: version column public.note.version has type text, which cannot be a counter version;"
                        + " a <recordVersionFields> column must be smallint, integer or bigint: change its type"
                        + " (alter table public.note alter column version type bigint using version::bigint)"
                        + " or remove it from <recordVersionFields>",
                "occ: version column public.price.version has type numeric(10,2), which cannot be a counter version;"
                        + " a <recordVersionFields> column must be smallint, integer or bigint: change its type"
                        + " (alter table public.price alter column version type bigint using version::bigint)"
                        + " or remove it from <recordVersionFields>"),
                e.problems());
        assertEquals(String.join("\n", e.problems()), e.getMessage());
        assertNothingGenerated();
    }

    @Test
    void wrongTimestampType() {
        VersionColumnException e = assertThrows(VersionColumnException.class, () -> Generation.of("wrongtype", target)
                .schemata("public")
                .recordTimestampFields("public\\.note\\.version")
                .run());
        assertEquals("occ: version column public.note.version has type text, which cannot be a timestamp version;"
                + " a <recordTimestampFields> column must be timestamp with time zone (timestamptz) or timestamp:"
                + " change its type (alter table public.note alter column version type timestamptz"
                + " using version::timestamptz) or remove it from <recordTimestampFields>", e.getMessage());
    }

    /**
     * The convention takes only integer columns named version: a text or numeric {@code version} is
     * not a lock column (as Flyway's own {@code flyway_schema_history.version} is not), so it is left
     * alone rather than failing generation.
     */
    @Test
    void conventionLeavesNonIntegerVersionColumnsAlone() throws Exception {
        GeneratedSources sources = Generation.of("wrongtype", target).schemata("public").run();
        for (String table : List.of("Note", "Price")) {
            String text = sources.read("tables/" + table + ".java");
            assertTrue(text.contains("public class " + table + " extends TableImpl<"), text);
            assertFalse(text.contains("dev.occ.Version"), text);
        }
    }

    /** The fix the message gives is SQL that PostgreSQL accepts, and it fixes the column. */
    @Test
    void theFixInTheMessageWorks() throws Exception {
        VersionColumnException e = assertThrows(VersionColumnException.class, () -> Generation.of("nullable", target)
                .schemata("public")
                .recordTimestampFields("public\\.player\\.updated_at")
                .run());
        Matcher fix = Pattern.compile("\\((alter table [^)]*)\\)").matcher(e.getMessage());
        assertTrue(fix.find(), e.getMessage());

        TestDatabase db = NULLABLE.database();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(fix.group(1));
            try (ResultSet rs = s.executeQuery("select is_nullable from information_schema.columns"
                    + " where table_name = 'player' and column_name = 'updated_at'")) {
                assertTrue(rs.next());
                assertEquals("NO", rs.getString(1));
            }
        }
    }

    private void assertNothingGenerated() {
        try (var files = Files.walk(target)) {
            assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".java")).toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
