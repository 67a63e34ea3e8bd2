package dev.occ.codegen;

import static dev.occ.codegen.OccGeneratorTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.codegen.Generation.GeneratedSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every decision explained: one line per table, logged and recorded in the stamp file beside the
 * generated package (fixture {@code decisions}); and a {@code BEFORE UPDATE} trigger that sets a
 * timestamp version to the transaction's start time fails generation with the fix (fixture
 * {@code nowtrigger}, a pg_dump with {@code OWNER TO postgres}).
 */
class DecisionsTest {

    private static final String PACKAGE = "dev.occ.fixture.decisions";

    @TempDir
    static Path dir;

    static GeneratedSources sources;
    static List<String> decisions;

    @BeforeAll
    static void generate() throws Exception {
        sources = Generation.of("decisions", dir.resolve("decisions"))
                .packageName(PACKAGE)
                .schemata("public")
                .recordVersionFields("version")
                .recordTimestampFields("public\\.stamped_local\\.updated_at")
                .run();
        decisions = Files.readAllLines(sources.root().resolve("occ-codegen-" + PACKAGE + ".txt")).stream()
                .filter(line -> line.startsWith("# occ: "))
                .map(line -> line.substring(2))
                .toList();
    }

    private static String decision(String table) {
        List<String> lines = decisions.stream().filter(line -> line.startsWith("occ: " + table + ": ")).toList();
        assertEquals(1, lines.size(), () -> "one line for " + table + " in\n" + String.join("\n", decisions));
        return lines.get(0);
    }

    @Test
    void oneLinePerTable() {
        assertEquals(List.of("occ: public.\"Note\"", "occ: public.log_line", "occ: public.measurement",
                "occ: public.measurement_2024", "occ: public.measurement_2025", "occ: public.plain",
                "occ: public.plain_versions", "occ: public.priced", "occ: public.stamped_local"),
                decisions.stream().map(line -> line.substring(0, line.indexOf(": ", 5))).sorted().toList());
    }

    @Test
    void versionedTableNamesColumnKindRuleWarningAndTrigger() {
        assertEquals("occ: public.stamped_local: versioned on updated_at (TIMESTAMP, by <recordTimestampFields> pattern"
                + " public\\.stamped_local\\.updated_at); WARNING timestamp without time zone, use timestamptz;"
                + " BEFORE UPDATE trigger stamped_local_touch (function public.stamped_local_touch) may overwrite it:"
                + " the trigger must give a value later than the old one even within one transaction, e.g."
                + " new.updated_at := greatest(clock_timestamp(), old.updated_at + interval '1 microsecond')",
                decision("public.stamped_local"));
    }

    @Test
    void nameMatchingOnlyIgnoringCaseIsExplained() {
        assertEquals("occ: public.\"Note\": not versioned, its column \"Version\" matches <recordVersionFields>"
                + " pattern version only when case is ignored, and jOOQ matches these patterns case-sensitively"
                + " (so does occ, to lock on the column store() locks on); write (?i)version to take it",
                decision("public.\"Note\""));
        assertFalse(sources.read("tables/Note.java").contains("VersionedTable"));
    }

    @Test
    void partitionedParentCarriesTheMetadataAndPartitionsNone() {
        assertEquals("occ: public.measurement: versioned on version (COUNTER, by <recordVersionFields> pattern version)",
                decision("public.measurement"));
        assertContains(sources.read("tables/Measurement.java"), "implements VersionedTable<MeasurementRecord, Integer>");
        for (String partition : List.of("2024", "2025")) {
            assertEquals("occ: public.measurement_" + partition + ": not versioned, it is a partition of"
                    + " public.measurement, whose class carries the version metadata (lock through the parent: its"
                    + " update finds the row in whichever partition holds it), so its column version is not a"
                    + " version column", decision("public.measurement_" + partition));
            assertFalse(sources.read("tables/Measurement_" + partition + ".java").contains("VersionedTable"));
        }
    }

    @Test
    void viewsAndTablesWithoutPrimaryKeyAreExplained() {
        assertEquals("occ: public.plain_versions: not versioned, it is a view, so its column version is not a"
                + " version column", decision("public.plain_versions"));
        assertTrue(decision("public.log_line").startsWith("occ: public.log_line: not versioned, it has no primary key"),
                decision("public.log_line"));
        assertEquals("occ: public.plain: not versioned, no column matches <recordVersionFields> [version] or"
                + " <recordTimestampFields> [public\\.stamped_local\\.updated_at]",
                decision("public.plain"));
    }

    @Test
    void generatedColumnsAreNamed() {
        assertEquals("occ: public.priced: versioned on version (COUNTER, by <recordVersionFields> pattern version);"
                + " computed by PostgreSQL (GENERATED ALWAYS AS ... STORED), so not writable: gross",
                decision("public.priced"));
    }

    @Test
    void triggerSettingTheTransactionStartTimeFailsWithTheFix(@TempDir Path target) {
        VersionColumnException e = assertThrows(VersionColumnException.class, () -> Generation.of("nowtrigger", target)
                .schemata("public")
                .recordTimestampFields("last_update")
                .run());
        assertEquals("occ: the BEFORE UPDATE trigger last_updated on public.film sets the version column last_update"
                + " to the transaction's start time (function public.last_updated), overwriting the version occ"
                + " writes: two locked updates of a row in one transaction leave it unchanged, and a transaction"
                + " that started earlier moves it backwards, so a stale copy can overwrite a newer row; in"
                + " public.last_updated assign new.last_update := greatest(clock_timestamp(), old.last_update"
                + " + interval '1 microsecond') instead, or set the database property"
                + " occ.allowTransactionTimeTriggers to true to accept the risk", e.getMessage());
        assertFalse(Files.exists(target.resolve("dev/occ/fixture/tables/Film.java")), "nothing generated");
    }

    @Test
    void triggerSettingTheTransactionStartTimeCanBeAccepted(@TempDir Path target) throws Exception {
        GeneratedSources accepted = Generation.of("nowtrigger", target)
                .schemata("public")
                .recordTimestampFields("last_update")
                .property(VersionColumns.ALLOW_TRANSACTION_TIME_TRIGGERS, "true")
                .run();
        assertContains(accepted.read("tables/Film.java"), "implements VersionedTable<FilmRecord, OffsetDateTime>");
        assertContains(Files.readString(target.resolve("occ-codegen-dev.occ.fixture.txt")),
                "# occ: public.film: versioned on last_update (TIMESTAMP, by <recordTimestampFields> pattern"
                        + " last_update); WARNING BEFORE UPDATE trigger last_updated sets it to the transaction's"
                        + " start time (accepted by occ.allowTransactionTimeTriggers)");
    }

    @Test
    void transactionTimeAssignmentsAreRecognised() {
        assertTrue(VersionColumns.setsTransactionTime("NEW.last_update = CURRENT_TIMESTAMP;", "last_update"));
        assertTrue(VersionColumns.setsTransactionTime("new.updated_at := now();", "updated_at"));
        assertTrue(VersionColumns.setsTransactionTime("new.\"UpdatedAt\" := transaction_timestamp() ;", "UpdatedAt"));
        assertFalse(VersionColumns.setsTransactionTime("new.updated_at := clock_timestamp();", "updated_at"));
        assertFalse(VersionColumns.setsTransactionTime(
                "new.updated_at := greatest(now(), old.updated_at + interval '1 microsecond');", "updated_at"));
        assertFalse(VersionColumns.setsTransactionTime("new.created_at := now();", "updated_at"));
    }
}
