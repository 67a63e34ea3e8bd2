package dev.occ.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole harness briefly on a throwaway server (fsync off): every contender a few hundred
 * times, the real statements of scenario 1b (with the check that Spring Boot's exception translator
 * sees occ's errors), the failure path, the contention sweep, the work queue and the report. It checks what must hold on any
 * machine (statements per update, exact sums, a complete report) and never judges timings.
 */
class ContendersSmokeTest {

    @Test
    void everyScenarioRunsAndCountsAddUp() throws Exception {
        Main.Plan smoke = new Main.Plan(true, 300, 2, 30, 30, 100, 100, 2, 30, Duration.ofMillis(150), 1,
                Duration.ofMillis(100), 300, 1, 300, 2, 30, 30);
        Main.Results results = Main.run(smoke, false, false);

        // 1. every contender ran in every table; Hibernate only in the transaction tables
        int contenders = Main.SINGLE_ROW.size();
        assertEquals(4, results.singleRow().size());
        for (SingleRow.Table t : results.singleRow()) {
            assertEquals(t.transactional() ? contenders : contenders - 1, t.rows().size(), t.title());
        }

        // one statement per locked update (Hibernate: find, then update), one commit per transaction
        assertEquals(2 * contenders - 1, results.counts().size());
        for (StatementCount.Count c : results.counts()) {
            double statements = c.name().startsWith("Hibernate") ? 2 : 1;
            String what = c.name() + (c.transactional() ? " in a transaction" : " in autocommit");
            assertEquals(statements, c.jdbcStatements(), 1e-9, what + ": JDBC statements per update");
            assertEquals(c.transactional() || c.name().startsWith("Hibernate") ? 1 : 0, c.jdbcCommits(), 1e-9,
                    what + ": commits per update");
            if (results.serverStatistics()) {
                assertEquals(statements, c.serverStatements(), 1e-9, what + ": statements the server saw");
            }
        }

        // 1b. every real statement's contender ran in both tables, each against a partner and an anchor of its own
        assertEquals(2, results.realStatements().size());
        for (SingleRow.Table t : results.realStatements()) {
            assertEquals(Main.REAL_STATEMENTS.size(), t.rows().size(), t.title());
            for (SingleRow.Row row : t.rows()) {
                assertTrue(row.opsPerSecond().median() > 0, () -> t.title() + ": " + row.name());
                assertTrue(t.partner(row) != null && t.partner(row).name().contains("raw JDBC"),
                        () -> row.name() + "'s raw JDBC partner");
                assertTrue(t.anchor(row) != null && t.anchor(row).name().contains("jOOQ DSL"),
                        () -> row.name() + "'s jOOQ anchor");
            }
            for (Main.Goal g : Main.REAL_STATEMENT_GOALS) {
                assertTrue(t.row(g.contender()) != null, () -> t.title() + " has " + g.contender());
            }
        }
        // one statement per update for each of them, RETURNING included
        assertEquals(Main.REAL_STATEMENTS.size(), results.realCounts().size());
        for (StatementCount.Count c : results.realCounts()) {
            assertEquals(1, c.jdbcStatements(), 1e-9, c.name() + ": JDBC statements per update");
            assertEquals(0, c.jdbcCommits(), 1e-9, c.name() + ": commits per update");
            if (results.serverStatistics()) {
                assertEquals(1, c.serverStatements(), 1e-9, c.name() + ": statements the server saw");
            }
        }
        // a failing occ update under Spring Boot's exception translator threw Spring's DataAccessException
        assertNotNull(results.springCheck(), "the Spring check ran");
        Class<?> thrown = Class.forName(results.springCheck().exceptionClass());
        assertTrue(org.springframework.dao.DataAccessException.class.isAssignableFrom(thrown),
                () -> thrown + " is a Spring DataAccessException");

        // 2. a success is one statement; occ's diagnosed conflict is two, the others' conflicts one
        for (StatementCount.Count c : results.failureCounts()) {
            double statements = c.name().equals("occ DSL, conflict (diagnosed)") ? 2 : 1;
            assertEquals(statements, c.jdbcStatements(), 1e-9, c.name());
            if (results.serverStatistics()) {
                assertEquals(statements, c.serverStatements(), 1e-9, c.name() + " on the server");
            }
        }

        // 3. every cell of the sweep ran, and no update was lost
        assertEquals(Main.HOT_ROWS.size() * Main.THREADS.size() * Contention.Strategy.values().length,
                results.cells().size());
        for (Contention.Cell cell : results.cells()) {
            assertFalse(cell.lostUpdate(), () -> "lost update: " + cell);
            assertTrue(cell.ops() > 0, () -> "no update done: " + cell);
        }

        // 5. every strategy of the work queue ran with every number of workers, each row exactly once
        assertEquals(Main.THREADS.size() * QueueThroughput.Strategy.values().length, results.queueCells().size());
        assertFalse(results.queueNotExactlyOnce(), "the work queue lost or doubled a row");
        for (QueueThroughput.Cell cell : results.queueCells()) {
            for (QueueThroughput.Run run : cell.runs()) {
                assertTrue(run.exactlyOnce(), run::check);
                assertEquals(300, run.reportedRows(), () -> "rows the workers committed: " + run);
                assertEquals(300, run.counterSum(), () -> "counters' total: " + run);
                assertEquals(0, run.notOnce(), () -> "rows not done exactly once: " + run);
                // 300 rows in chunks of 100: at least three chunks (with SKIP LOCKED two workers' claims may
                // interleave, leaving a short chunk behind)
                assertTrue(run.chunks() >= 3, () -> "chunks: " + run);
            }
        }

        // the report and the chart
        Path dir = Path.of("target", "smoke");
        Files.createDirectories(dir);
        Report.write(results, dir.resolve("RESULTS.md"), Duration.ofSeconds(1));
        ContentionChart.write(results.cells(), Main.HOT_ROWS, Main.THREADS, "smoke", dir.resolve("contention.png"));
        String report = Files.readString(dir.resolve("RESULTS.md"));
        assertTrue(report.contains("2 cores") || report.contains(" cores**"), "the report names the cores");
        assertTrue(report.contains("| occ DSL |"), "the report has occ's row");
        assertTrue(report.contains("## 5. Work queue throughput"), "the report has the work queue");
        assertTrue(report.contains("## 1b. Real statements"), "the report has the real statements");
        assertTrue(report.contains("| " + Main.REALISTIC_OCC + " |"), "the report has occ's realistic update");
        assertTrue(report.contains("### Goals"), "the report has the goals");
        assertTrue(report.contains(results.springCheck().exceptionClass()), "the report names Spring's exception");
        assertFalse(report.contains("NOT EXACTLY ONCE"), "the report says no row was lost or doubled");
        assertTrue(report.contains("### The adaptive policy against the better of the two"),
                "the report compares the adaptive policy");
        assertTrue(results.cells().stream().filter(c -> c.strategy() == Contention.Strategy.ADAPTIVE)
                .anyMatch(c -> c.hotRows() == 1 && c.threads() == 8 && c.escalationsPerRun() > 0),
                "8 threads on one hot row escalated it");
        assertTrue(Files.size(dir.resolve("contention.png")) > 1000, "the chart is written");
    }

    @Test
    void renderBenchmarksRun() throws Exception {
        RenderBenchmark b = new RenderBenchmark();
        b.setUp();
        for (int i = 0; i < 200; i++) {
            b.occBuild();
            b.jooqBuild();
            assertTrue(b.jooqBuildRender().startsWith("update "));
            assertTrue(b.occBuildRender().startsWith("update "));
            assertEquals(1, b.occExecuteMock());
            assertEquals(1, b.occExecuteMockThroughJooq());
            assertEquals(1, b.jooqExecuteMock());
            assertEquals(1, b.rawJdbcMock());
            assertEquals(1, b.occRealisticExecuteMock());
            assertEquals(RenderBenchmark.MOCK_VERSION, b.occReturningExecuteMock());
            assertEquals(1, b.rawJdbcRealisticMock());
            assertEquals(RenderBenchmark.MOCK_VERSION, b.rawJdbcReturningMock());
        }
        b.tearDown();
    }
}
