package dev.occ.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** Writes RESULTS.md from one run's results. */
final class Report {

    static final String CORES_NOTE = "**Machine: " + Runtime.getRuntime().availableProcessors()
            + " cores** (client, server and its WAL writer share them).";

    private final StringBuilder out = new StringBuilder();

    private Report() {
    }

    static void write(Main.Results r, Path file, Duration took) throws IOException {
        Report report = new Report();
        report.all(r, took);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, report.out.toString(), StandardCharsets.UTF_8);
    }

    private void line(String format, Object... args) {
        out.append(args.length == 0 ? format : String.format(Locale.ROOT, format, args)).append('\n');
    }

    private void all(Main.Results r, Duration took) {
        line("# occ benchmarks");
        line("");
        line("Written by `mvn -B -q install -DskipTests && mvn -B -q exec:exec -pl benchmarks` on %s; the"
                + " measurement took %d min %02d s%s. Do not edit: rerun.",
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                took.toMinutes(), took.toSecondsPart(), r.plan().quick() ? " (**--quick: a check of the harness, not a"
                        + " measurement**)" : "");
        line("");
        headline(r);
        system(r);
        singleRow(r);
        realStatements(r);
        failurePath(r);
        contention(r);
        jmh(r);
        whereTheTimeGoes(r);
        queue(r);
        batches(r);
        method(r);
    }

    // ------------------------------------------------------------------------------------ headline

    private void headline(Main.Results r) {
        line("## Headline");
        line("");
        line("%s Time per single-row locked update as a multiple of raw JDBC's (one reused `PreparedStatement`),"
                + " median of the paired rounds; lower is better. *occ, direct off* is occ as it ran before this"
                + " benchmark: every update rendered and executed by jOOQ.", CORES_NOTE);
        line("");
        line("| setting | jOOQ DSL | jOOQ `store()` | Hibernate | occ, direct off | **occ** | occ vs jOOQ DSL |"
                + " SQL statements per occ update |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (SingleRow.Table t : r.singleRow()) {
            SingleRow.Row raw = t.rows().get(0);
            SingleRow.Row occ = t.row("occ DSL");
            SingleRow.Row jooq = t.row("jOOQ DSL");
            StatementCount.Count count = r.counts().stream()
                    .filter(c -> c.name().equals("occ DSL") && c.transactional() == t.transactional()).findFirst()
                    .orElse(null);
            line("| %s | %s | %s | %s | %s | **%s** | %s | %s |", t.title(), ratio(t.row("jOOQ DSL"), raw),
                    ratio(t.row("jOOQ UpdatableRecord.store()"), raw), ratio(t.row("Hibernate @Version"), raw),
                    ratio(t.row("occ DSL, direct execution off"), raw), ratio(occ, raw), ratio(occ, jooq),
                    count == null ? "" : fmt("%.2f", count.jdbcStatements()));
        }
        line("");
        line("The goals of occ#15, from this run (scenario 1b, and scenario 4 for allocation):");
        line("");
        goals(r);
    }

    /**
     * The goals table: occ against its raw JDBC partner in scenario 1b's {@code synchronous_commit = off}
     * table, and JMH's bytes per locked update.
     */
    private void goals(Main.Results r) {
        SingleRow.Table off = r.realStatements().stream().filter(t -> !t.synchronousCommit()).findFirst()
                .orElse(null);
        line("| goal | occ | against | measured | goal | result |");
        line("| --- | --- | --- | ---: | ---: | --- |");
        for (Main.Goal g : Main.REAL_STATEMENT_GOALS) {
            SingleRow.Row occ = off == null ? null : off.row(g.contender());
            SingleRow.Row raw = occ == null ? null : off.partner(occ);
            if (occ == null || raw == null) {
                line("| %s | %s | | not run | <= %.2fx | |", g.what(), g.contender(), g.atMost());
                continue;
            }
            double ratio = occ.timeRatioTo(raw).median();
            line("| %s | %s | %s | %.3fx | <= %.2fx | %s |", g.what(), occ.name(), raw.name(), ratio, g.atMost(),
                    verdict(ratio, g.atMost()));
        }
        for (Main.AllocationGoal g : Main.ALLOCATION_GOALS) {
            double bytes = bytes(r, g.benchmark());
            double raw = bytes(r, g.rawBenchmark());
            line("| (d) allocation per locked update (bytes) | `%s` | `%s`: %s | %s | <= %,.0f B | %s |", g.benchmark(),
                    g.rawBenchmark(), Double.isNaN(raw) ? "not run" : fmt("%,.0f B", raw),
                    Double.isNaN(bytes) ? "not run" : fmt("%,.0f B", bytes), Main.ALLOCATION_GOAL_BYTES,
                    Double.isNaN(bytes) ? "" : verdict(bytes, Main.ALLOCATION_GOAL_BYTES));
        }
        line("");
        line("%s (a) .. (c): time per update against the raw JDBC partner that does the same work, median of the %d"
                + " paired rounds of scenario 1b's table *autocommit, synchronous_commit = off*. (d): bytes allocated"
                + " per call on jOOQ's mock connection, by JMH's GC profiler (`-prof gc`, `gc.alloc.rate.norm`, scenario"
                + " 4), against raw JDBC on the same mock. Load average (1, 5, 15 min): %s at the start of the run, %s at"
                + " the end%s. *Missed by N%%*: how far the measured figure is above the goal, as a share of the goal.",
                CORES_NOTE, off == null ? 0 : off.rounds(), r.loadBefore(),
                r.loadAfter(), load(r.loadBefore()) > 1.5 ? " — **the machine was busy with other work: numbers are"
                        + " noisier**" : "");
        line("");
    }

    private static String verdict(double measured, double goal) {
        if (measured <= goal) {
            return "met";
        }
        double over = (measured / goal - 1) * 100;
        return over < 1 ? fmt("missed by %.1f%%", over) : fmt("missed by %.0f%%", over);
    }

    private static double bytes(Main.Results r, String benchmark) {
        return r.jmh().stream().filter(s -> s.benchmark().equals(benchmark)).findFirst()
                .map(Jmh.Score::bytesPerOp).orElse(Double.NaN);
    }

    private static String ratio(SingleRow.Row row, SingleRow.Row base) {
        return row == null || base == null ? "n/a" : fmt("%.2fx", row.timeRatioTo(base).median());
    }

    // ------------------------------------------------------------------------------------ analysis

    private void whereTheTimeGoes(Main.Results r) {
        if (r.jmh().isEmpty()) {
            return;
        }
        double jooqBuild = ns(r, "jooqBuild");
        double jooqRender = ns(r, "jooqBuildRender") - jooqBuild;
        double jooqExecute = ns(r, "jooqExecuteMock") - ns(r, "jooqBuildRender");
        double occBuild = ns(r, "occBuild");
        double occRender = ns(r, "occBuildRender") - occBuild;
        double occThroughJooq = ns(r, "occExecuteMockThroughJooq") - ns(r, "occBuildRender");
        double occDirect = ns(r, "occExecuteMock") - occBuild;
        line("## Where the client's time goes");
        line("");
        line("%s From the JMH medians above (ns per update, no database; differences of medians, so rough):",
                CORES_NOTE);
        line("");
        line("| step | plain jOOQ | occ through jOOQ (direct off) | occ (direct) |");
        line("| --- | ---: | ---: | ---: |");
        line("| build the statement (DSL objects, occ's policy) | %,.0f | %,.0f | %,.0f |", jooqBuild, occBuild, occBuild);
        line("| render the SQL | %,.0f | %,.0f | once per shape |", jooqRender, occRender);
        line("| jOOQ's execution: execute context, bind, JDBC calls | %,.0f | %,.0f | — |", jooqExecute, occThroughJooq);
        line("| occ's direct execution: shape, cache lookup, bind, JDBC calls | — | — | %,.0f |", occDirect);
        line("| **total** | **%,.0f** | **%,.0f** | **%,.0f** |", ns(r, "jooqExecuteMock"),
                ns(r, "occExecuteMockThroughJooq"), ns(r, "occExecuteMock"));
        line("| raw JDBC on the same mock | %,.0f | | |", ns(r, "rawJdbcMock"));
        line("");
        line("jOOQ spends most of an update's client time rendering SQL and running its execution pipeline, the"
                + " same for every call of the same shape. occ renders a simple locked update once per shape (table,"
                + " columns, where clause structure, data types, dialect, settings), keeps the SQL and the order of"
                + " its bind values, and then only binds them on a `PreparedStatement` of the connection jOOQ would"
                + " use. It does so only where that bypasses nothing configured (no `ExecuteListener`, no"
                + " `VisitListener`, jOOQ not logging at DEBUG, default execution settings); the configuration entry"
                + " `dev.occ.directExecution` = `true` takes the direct path despite execute listeners, `false` turns"
                + " it off. On the database the saving is larger than the mock suggests: the client thread wakes up"
                + " after every round trip with cold caches, so every instruction it runs costs more (see *client CPU"
                + " µs / update* in section 1).");
        line("");
    }

    private static double ns(Main.Results r, String benchmark) {
        return r.jmh().stream().filter(s -> s.benchmark().equals(benchmark)).findFirst()
                .map(s -> s.nanosPerOp().median()).orElse(Double.NaN);
    }

    // ------------------------------------------------------------------------------------ system

    private void system(Main.Results r) {
        line("## System");
        line("");
        line(CORES_NOTE);
        line("");
        line("| | |");
        line("| --- | --- |");
        line("| CPU | %s, %d cores visible to the JVM |", cpu(), Runtime.getRuntime().availableProcessors());
        line("| memory | %s |", memory());
        line("| OS | %s %s (%s) |", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
        line("| load average (1, 5, 15 min) | %s at the start, %s at the end%s |", r.loadBefore(), r.loadAfter(),
                load(r.loadBefore()) > 1.5 ? " — **the machine was busy with other work: numbers are noisier**" : "");
        line("| JDK | %s %s (%s), `%s` |", System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.vendor"),
                String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        line("| PostgreSQL | %s, embedded on 127.0.0.1 (TCP loopback), data directory on the local disk |",
                r.serverVersion());
        StringBuilder settings = new StringBuilder();
        for (Map.Entry<String, String> e : r.serverSettings().entrySet()) {
            settings.append(settings.length() == 0 ? "" : ", ").append('`').append(e.getKey()).append('=')
                    .append(e.getValue()).append('`');
        }
        line("| server settings | fsync and full_page_writes at their durable defaults; %s; `synchronous_commit` set"
                + " per session as each table says |", settings);
        line("| libraries | jOOQ %s, occ %s, Hibernate ORM %s, PostgreSQL JDBC %s, JMH %s, XChart %s,"
                + " Spring Boot jOOQ %s |", version("org.jooq", "jooq"), version("dev.occ", "occ-runtime"), hibernate(),
                org.postgresql.util.DriverInfo.DRIVER_VERSION, version("org.openjdk.jmh", "jmh-core"),
                version("org.knowm.xchart", "xchart"), SpringTranslated.version());
        line("");
        line("The `resource` table (occ-schema's V1 migration) has a `BEFORE UPDATE` trigger that sets"
                + " `updated_at = now()`, a GIN index on `data` and a b-tree index on `name`: every update below"
                + " pays for them, the same for every contender. The `account` table (V4) of scenario 1b has no trigger:"
                + " its realistic update sets `updated_at` itself.");
        line("");
    }

    private static double load(String loadAverage) {
        try {
            return Double.parseDouble(loadAverage.split(" ")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Math.round(Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0) + " GiB")
                    .findFirst().orElse("?");
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static String version(String group, String artifact) {
        try (var in = Report.class.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
            if (in == null) {
                return "?";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String hibernate() {
        return org.hibernate.Version.getVersionString();
    }

    // ------------------------------------------------------------------------------------ 1

    private void singleRow(Main.Results r) {
        line("## 1. Single-row locked update");
        line("");
        line("Each contender updates rows of its own in the same table through a connection of its own:"
                + " `SET name = ?, data = ?::jsonb, version = version + 1 WHERE id = ? AND version = ?`, checking"
                + " that one row was written. Raw JDBC reuses one `PreparedStatement` (the floor); the second raw JDBC"
                + " row prepares a statement per update, as any library that does not keep statements does (the driver"
                + " still reuses the server-side prepared statement); jOOQ DSL writes `.and(RESOURCE.VERSION.eq(v))` by"
                + " hand; jOOQ `store()` keeps its records and runs with"
                + " `executeWithOptimisticLocking` (one UPDATE, the next version computed on the client);"
                + " Hibernate does `find`, modify, commit in a session per update; occ runs"
                + " `Occ.using(ctx).update(RESOURCE).set(..).where(RESOURCE.ID.eq(id))"
                + ".lockingPolicy(optimistic(RESOURCE.VERSION, v)).execute()`, once with its direct execution turned"
                + " off (`dev.occ.directExecution = false`: rendered and executed by jOOQ every time, as occ ran before"
                + " this benchmark) and once as it runs by default.");
        line("");
        line("After %,d untimed updates per contender, each table is %d interleaved rounds of one batch per"
                + " contender (the order rotates each round). Median, with (min .. max) over the rounds. *Time vs"
                + " raw JDBC* and *vs jOOQ DSL* are this contender's time per update divided by theirs, paired within"
                + " each round. *Client CPU* and *allocated* are the calling thread's, per update, driver included.",
                r.plan().warmUpOps(), r.plan().rounds());
        line("");
        for (SingleRow.Table t : r.singleRow()) {
            line("### %s", t.title());
            line("");
            line("%s %d rounds x %d updates per contender.%s", CORES_NOTE, t.rounds(), t.batch(),
                    t.transactional() ? "" : " Hibernate flushes only in a transaction: see the transaction tables.");
            line("");
            singleRowTable(t, r.counts(), t.transactional());
        }
        line("### Statements per update");
        line("");
        line("%s Counted over %d updates per contender, separately from the timed runs: *JDBC* counts every"
                + " `execute*` call and every `commit`/`rollback` through a counting proxy of the connection; *server*"
                + " counts what PostgreSQL's `pg_stat_statements` saw from that session: SQL statements, and"
                + " `BEGIN` apart (it misses most of the driver's `COMMIT`s, which the JDBC column counts).%s", CORES_NOTE, r.plan().countOps(),
                r.serverStatistics() ? "" : " **pg_stat_statements was not available: server counts are missing.**");
        line("");
        line("| contender | mode | JDBC statements / update | JDBC commits / update | server SQL statements / update |"
                + " server BEGIN / update | what the server saw (calls per update) |");
        line("| --- | --- | ---: | ---: | ---: | ---: | --- |");
        for (StatementCount.Count c : r.counts()) {
            countRow(c);
        }
        line("");
    }

    private void countRow(StatementCount.Count c) {
        StringBuilder queries = new StringBuilder();
        for (StatementCount.Query q : c.queries()) {
            if (q.perOp() < 0.005) {
                continue;
            }
            queries.append(queries.length() == 0 ? "" : "<br>").append(String.format(Locale.ROOT, "%.2f x `%s`",
                    q.perOp(), abbreviate(q.text(), 140).replace("|", "\\|")));
        }
        line("| %s | %s | %.2f | %.2f | %s | %s | %s |", c.name(), c.transactional() ? "transaction" : "autocommit",
                c.jdbcStatements(), c.jdbcCommits(), c.serverStatements() < 0 ? "n/a" : fmt("%.2f", c.serverStatements()),
                c.serverTransactionControl() < 0 ? "n/a" : fmt("%.2f", c.serverTransactionControl()), queries);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private void singleRowTable(SingleRow.Table t, List<StatementCount.Count> counts, boolean transactional) {
        singleRowTable(t, counts, transactional, "time vs raw JDBC", "time vs jOOQ DSL");
    }

    /**
     * A table of single-row results: each row's time per update against its raw JDBC partner's and
     * its jOOQ DSL anchor's ({@link SingleRow.Table#partner}, {@link SingleRow.Table#anchor}), paired by round.
     */
    private void singleRowTable(SingleRow.Table t, List<StatementCount.Count> counts, boolean transactional,
            String partnerHeader, String anchorHeader) {
        line("| contender | updates/s | %s | %s | SQL statements / update |"
                + " client CPU µs / update | allocated bytes / update |", partnerHeader, anchorHeader);
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (SingleRow.Row row : t.rows()) {
            SingleRow.Row raw = t.partner(row);
            SingleRow.Row jooq = t.anchor(row);
            StatementCount.Count count = counts.stream()
                    .filter(c -> c.name().equals(row.name()) && c.transactional() == transactional)
                    .findFirst().orElse(null);
            line("| %s | %s | %s | %s | %s | %s | %s |", row.name(), row.opsPerSecond().format("%,.0f"),
                    raw == null || row == raw ? (row == raw ? "1" : "") : row.timeRatioTo(raw).format("%.3f"),
                    jooq == null || row == jooq ? (row == jooq ? "1" : "") : row.timeRatioTo(jooq).format("%.3f"),
                    count == null ? "" : fmt("%.2f", count.jdbcStatements()), row.cpuMicrosPerOp().format("%.1f"),
                    row.bytesPerOp().format("%,.0f"));
        }
        line("");
    }

    private static String fmt(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }

    // ------------------------------------------------------------------------------------ 1b

    private void realStatements(Main.Results r) {
        line("## 1b. Real statements");
        line("");
        line("Scenario 1's harness (interleaved rounds, paired ratios, a connection and rows of its own per contender,"
                + " autocommit) on three statements as applications write them, each with a raw JDBC partner that does"
                + " exactly the same work (one reused `PreparedStatement`) and plain jOOQ as the anchor:");
        line("");
        line("- **(a) the realistic update**, on `account` (V4: no trigger, a check constraint): `UPDATE account SET"
                + " owner = ?, balance = balance + ?, updated_at = current_timestamp, version = version + 1 WHERE id = ?"
                + " AND version = ?`, crediting %d each time. occ: `update(ACCOUNT).set(ACCOUNT.OWNER, name)"
                + ".set(ACCOUNT.BALANCE, ACCOUNT.BALANCE.plus(%d)).set(ACCOUNT.UPDATED_AT, DSL.currentOffsetDateTime())"
                + ".where(ACCOUNT.ID.eq(id)).lockingPolicy(optimistic(ACCOUNT.VERSION, v)).execute()`, as it runs by"
                + " default and with its direct execution off; jOOQ writes the version's increment and predicate by"
                + " hand.", Realistic.CREDIT, Realistic.CREDIT);
        line("- **(b) the new version returned**, scenario 1's update of `resource` with `RETURNING version`: raw"
                + " JDBC `executeQuery`s it and reads the version; occ runs `.lockingPolicy(optimistic(RESOURCE.VERSION,"
                + " v)).returning(RESOURCE.VERSION).fetchOne()`, jOOQ `.returning(RESOURCE.VERSION).fetchOne()`. Each"
                + " keeps the returned version as the one it expects next time.");
        line("- **(c) under Spring Boot's jOOQ defaults**: scenario 1's update on a `DSLContext` configured as Spring"
                + " Boot configures it, `new DefaultConfiguration().set(connection).set(SQLDialect.POSTGRES).set(new"
                + " DefaultExecuteListenerProvider(ExceptionTranslatorExecuteListener.DEFAULT))` (spring-boot-jooq %s);"
                + " its partner is scenario 1's raw JDBC.", SpringTranslated.version());
        line("");
        SpringTranslated.Check check = r.springCheck();
        if (check != null) {
            line("Before the timed rounds, a failing occ update under that configuration (`data = '{not json'` on an"
                    + " existing row, with its right version) threw `%s` (its cause: SQL state %s, \"%s\"): the"
                    + " listener translated the error, as in a Spring Boot application.", check.exceptionClass(),
                    check.sqlState(), check.message().replace("|", "\\|"));
            line("");
        }
        line("*Time vs raw JDBC partner* divides a contender's time per update by its statement's raw JDBC contender's,"
                + " *vs jOOQ DSL* by its statement's jOOQ contender's, paired within each round. After %,d untimed updates"
                + " per contender (synchronous_commit = off), each table is %d interleaved rounds of one batch per"
                + " contender.", r.plan().realWarmUpOps(), r.plan().realRounds());
        line("");
        line("### Goals");
        line("");
        goals(r);
        for (SingleRow.Table t : r.realStatements()) {
            line("### %s", t.title());
            line("");
            line("%s %d rounds x %d updates per contender.", CORES_NOTE, t.rounds(), t.batch());
            line("");
            singleRowTable(t, r.realCounts(), false, "time vs raw JDBC partner", "time vs jOOQ DSL");
        }
        line("%s What the server saw (calls per update, autocommit, over %d updates per contender):", CORES_NOTE,
                r.plan().countOps());
        line("");
        line("| contender | mode | JDBC statements / update | JDBC commits / update | server SQL statements / update |"
                + " server BEGIN / update | what the server saw (calls per update) |");
        line("| --- | --- | ---: | ---: | ---: | ---: | --- |");
        for (StatementCount.Count c : r.realCounts()) {
            countRow(c);
        }
        line("");
    }

    // ------------------------------------------------------------------------------------ 2

    private void failurePath(Main.Results r) {
        line("## 2. Failure path: a conflict against a success");
        line("");
        line("Every conflicting update expects a version one behind the row's. occ's conflict costs its UPDATE"
                + " (which writes nothing) plus one SELECT by the statement's own where clause, to tell *row gone*"
                + " from *version changed* and to name the actual version in the `ConflictException`. Plain jOOQ and"
                + " raw JDBC only see an update count of 0. A statement that writes nothing commits nothing, so"
                + " `synchronous_commit` matters only to the success.");
        line("");
        for (SingleRow.Table t : r.failurePath()) {
            line("### %s", t.title());
            line("");
            line("%s %d rounds x %d updates per contender.", CORES_NOTE, t.rounds(), t.batch());
            line("");
            SingleRow.Row raw = t.rows().get(0);
            SingleRow.Row success = t.row("occ DSL, success");
            line("| contender | updates/s | time vs raw JDBC conflict | time vs occ success | SQL statements / update |"
                    + " client CPU µs / update | allocated bytes / update |");
            line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (SingleRow.Row row : t.rows()) {
                StatementCount.Count count = r.failureCounts().stream().filter(c -> c.name().equals(row.name()))
                        .findFirst().orElse(null);
                line("| %s | %s | %s | %s | %s | %s | %s |", row.name(), row.opsPerSecond().format("%,.0f"),
                        row == raw ? "1" : row.timeRatioTo(raw).format("%.3f"),
                        row == success ? "1" : row.timeRatioTo(success).format("%.3f"),
                        count == null ? "" : fmt("%.2f", count.jdbcStatements()), row.cpuMicrosPerOp().format("%.1f"),
                        row.bytesPerOp().format("%,.0f"));
            }
            line("");
        }
        line("%s What the server saw (calls per update, autocommit):", CORES_NOTE);
        line("");
        line("| contender | mode | JDBC statements / update | JDBC commits / update | server SQL statements / update |"
                + " server BEGIN / update | what the server saw (calls per update) |");
        line("| --- | --- | ---: | ---: | ---: | ---: | --- |");
        for (StatementCount.Count c : r.failureCounts()) {
            countRow(c);
        }
        line("");
    }

    // ------------------------------------------------------------------------------------ 6

    private void batches(Main.Results r) {
        Batches.Summary b = r.batches();
        line("## 6. Batch jobs");
        line("");
        line("![batch rows/s by chunk size](batch.png)");
        line("");
        line("Every contender updates the same rows of `document` (a new body, the version moved on, each row only if it"
                + " still has the version it was read with), 1% of them stale (another writer moved their version on just"
                + " before the run), in chunks, each chunk committed on its own, on one connection, `synchronous_commit ="
                + " on`. Rows/s is the median of the runs (min .. max); *stale named* is how many of the stale rows the"
                + " contender can name, and how. Allocation is the calling thread's, per row.");
        line("");
        line("| rows | rows per chunk | contender | rows/s | ratio to unnest | ratio to executeBatch | stale named | how |"
                + " allocated / row |");
        line("| ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: |");
        for (Batches.Result x : b.results()) {
            Batches.Result unnest = b.result(Batches.UNNEST, x.rows(), x.chunk());
            Batches.Result batch = b.result(Batches.EXECUTE_BATCH, x.rows(), x.chunk());
            line("| %,d | %s | %s | %s | %s | %s | %,d of %,d | %s | %,.0f B |", x.rows(),
                    x.contender().equals(Batches.LOOP) ? "1 (a statement per row)" : String.format("%,d", x.chunk()),
                    x.contender(), Stats.of(x.rowsPerSecond()).format("%,.0f"),
                    unnest == null ? "" : String.format("%.2fx", x.median() / unnest.median()),
                    batch == null ? "" : String.format("%.2fx", x.median() / batch.median()),
                    x.staleNamed(), x.stale(), x.named(), x.bytesPerRow());
        }
        line("");
        line("Hibernate's versioned batch runs without stale rows above, since it cannot get past one. With them: %s.",
                b.hibernateStale());
        line("");
    }

    // ------------------------------------------------------------------------------------ 3

    private void contention(Main.Results r) {
        Contention c = r.contention();
        line("## 3. Contention sweep");
        line("");
        line("![contention sweep](contention.png)");
        line("");
        line("%s Each thread has a connection of its own and, for %.1f s, adds 1 to a counter `n` in `data` of a"
                + " random one of the hot rows; every strategy also moves `version` on, so all write the same."
                + " `synchronous_commit = %s` (so that the disk's flush does not hide the locking), READ COMMITTED."
                + " Each cell ran %d times, interleaved with the others; updates/s is the median with (min .. max).",
                CORES_NOTE, r.plan().contentionRun().toMillis() / 1000.0, c.synchronousCommit() ? "on" : "off",
                r.plan().contentionRepetitions());
        line("");
        for (Contention.Strategy s : Contention.Strategy.values()) {
            line("- **%s**: %s.", s.label, s.description);
        }
        line("");
        line("The first optimistic strategy's retry policy: `%s`. *Retries / op* counts re-runs of the whole unit"
                + " (read and locked update) per successful update; *failed* counts updates that ran out of attempts"
                + " and reported a conflict to the caller (they wrote nothing). *Sums*: after every run, the counters'"
                + " total must equal the number of updates that reported success; a lost update fails the run.",
                c.retryDescription());
        line("");
        line("%s Updates/s per cell: median (min .. max) of the repetitions.", CORES_NOTE);
        line("");
        line("| hot rows | threads | occ + RetryPolicy updates/s | retries / op | failed | occ + defaults() updates/s |"
                + " retries / op | failed | pessimistic updates/s | occ pessimistic updates/s | plain increment updates/s |"
                + " occ vs pessimistic | occ pessimistic vs pessimistic | sums |");
        line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        for (int hot : Main.HOT_ROWS) {
            for (int threads : Main.THREADS) {
                Contention.Cell o = r.cell(Contention.Strategy.OPTIMISTIC, hot, threads);
                Contention.Cell d = r.cell(Contention.Strategy.OPTIMISTIC_DEFAULTS, hot, threads);
                Contention.Cell p = r.cell(Contention.Strategy.PESSIMISTIC, hot, threads);
                Contention.Cell i = r.cell(Contention.Strategy.INCREMENT, hot, threads);
                Contention.Cell q = r.cell(Contention.Strategy.OCC_PESSIMISTIC, hot, threads);
                Contention.Cell a = r.cell(Contention.Strategy.ADAPTIVE, hot, threads);
                if (o == null || d == null || p == null || i == null || q == null || a == null) {
                    continue;
                }
                boolean lost = o.lostUpdate() || d.lostUpdate() || p.lostUpdate() || i.lostUpdate() || q.lostUpdate()
                        || a.lostUpdate();
                line("| %d | %d | %s | %.3f | %d | %s | %.3f | %d | %s | %s | %s | %+.0f%% | %+.0f%% | %s |", hot, threads,
                        o.opsPerSecond().format("%,.0f"), o.retriesPerOp(), o.failures(),
                        d.opsPerSecond().format("%,.0f"), d.retriesPerOp(), d.failures(),
                        p.opsPerSecond().format("%,.0f"), q.opsPerSecond().format("%,.0f"),
                        i.opsPerSecond().format("%,.0f"),
                        (o.opsPerSecond().median() / p.opsPerSecond().median() - 1) * 100,
                        (q.opsPerSecond().median() / p.opsPerSecond().median() - 1) * 100,
                        lost ? "**LOST UPDATE**"
                                : "exact (" + (o.ops() + d.ops() + p.ops() + i.ops() + q.ops() + a.ops()) + " updates)");
            }
        }
        line("");
        adaptive(r);
        line("Summary, occ optimistic + RetryPolicy against pessimistic (medians, over 1 .. 8 threads):");
        line("");
        for (int hot : Main.HOT_ROWS) {
            double low = Double.MAX_VALUE;
            double high = -Double.MAX_VALUE;
            long defaultsFailed = 0;
            long defaultsOps = 0;
            for (int threads : Main.THREADS) {
                Contention.Cell o = r.cell(Contention.Strategy.OPTIMISTIC, hot, threads);
                Contention.Cell p = r.cell(Contention.Strategy.PESSIMISTIC, hot, threads);
                Contention.Cell d = r.cell(Contention.Strategy.OPTIMISTIC_DEFAULTS, hot, threads);
                if (o == null || p == null || d == null) {
                    continue;
                }
                double diff = (o.opsPerSecond().median() / p.opsPerSecond().median() - 1) * 100;
                low = Math.min(low, diff);
                high = Math.max(high, diff);
                defaultsFailed += d.failures();
                defaultsOps += d.ops();
            }
            if (low <= high) {
                line("- %d hot row%s: %+.0f%% .. %+.0f%%; with `RetryPolicy.defaults()`, %d of %d updates gave up"
                        + " after 5 attempts.", hot, hot == 1 ? "" : "s", low, high, defaultsFailed,
                        defaultsFailed + defaultsOps);
            }
        }
        line("");
    }

    /** [occ#15] The adaptive policy against the better of optimistic + RetryPolicy and SELECT .. FOR UPDATE. */
    private void adaptive(Main.Results r) {
        line("### The adaptive policy against the better of the two");
        line("");
        line("%s *Better other* is the better of *occ + RetryPolicy* and the hand-written *pessimistic* `SELECT .. FOR"
                + " UPDATE` in the cell (by median). *vs better (paired)* is the median, over the repetitions, of the"
                + " adaptive run's updates/s divided by that strategy's run of the same repetition (seconds apart, so"
                + " that the machine's drift cancels out); *vs better (medians)* divides the medians. The goal of"
                + " occ#15 is -5%% or better at 2, 4 and 8 threads. Every run starts a new `Occ.adaptive(RESOURCE)`"
                + " with the defaults (2 conflicts of 32 attempts, 1 s cool-down, 1024 slots), which learns from"
                + " nothing: *escalations / run* counts the keys it escalated to a row lock, *first escalation* is the"
                + " median time from the run's start to the first.", CORES_NOTE);
        line("");
        line("| hot rows | threads | occ + RetryPolicy updates/s | pessimistic updates/s | better other |"
                + " adaptive updates/s | retries / op | failed | escalations / run | first escalation |"
                + " vs better (paired) | vs better (medians) | plain increment updates/s | sums |");
        line("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        int within = 0;
        int cells = 0;
        double worst = Double.MAX_VALUE;
        String worstCell = "";
        for (int hot : Main.HOT_ROWS) {
            for (int threads : Main.THREADS) {
                Contention.Cell o = r.cell(Contention.Strategy.OPTIMISTIC, hot, threads);
                Contention.Cell p = r.cell(Contention.Strategy.PESSIMISTIC, hot, threads);
                Contention.Cell a = r.cell(Contention.Strategy.ADAPTIVE, hot, threads);
                Contention.Cell i = r.cell(Contention.Strategy.INCREMENT, hot, threads);
                if (o == null || p == null || a == null || i == null) {
                    continue;
                }
                Contention.Cell better = o.opsPerSecond().median() >= p.opsPerSecond().median() ? o : p;
                double paired = a.pairedPercent(better);
                double medians = (a.opsPerSecond().median() / better.opsPerSecond().median() - 1) * 100;
                boolean goal = threads >= 2;
                if (goal) {
                    cells++;
                    within += paired >= -5 ? 1 : 0;
                    if (paired < worst) {
                        worst = paired;
                        worstCell = hot + " hot row" + (hot == 1 ? "" : "s") + ", " + threads + " threads";
                    }
                }
                String mark = goal && paired < -5 ? "**" : "";
                double first = a.firstEscalationMillis();
                line("| %d | %d | %s | %s | %s | %s | %.3f | %d | %.1f | %s | %s%+.0f%%%s | %+.0f%% | %s | %s |", hot,
                        threads, o.opsPerSecond().format("%,.0f"), p.opsPerSecond().format("%,.0f"),
                        better == o ? "optimistic" : "pessimistic", a.opsPerSecond().format("%,.0f"), a.retriesPerOp(),
                        a.failures(), a.escalationsPerRun(), Double.isNaN(first) ? "none" : String.format(Locale.ROOT,
                                "%.0f ms", first), mark, paired, mark, medians, i.opsPerSecond().format("%,.0f"),
                        a.lostUpdate() ? "**LOST UPDATE**" : "exact (" + a.ops() + " updates)");
            }
        }
        line("");
        if (cells > 0) {
            line("At 2, 4 and 8 threads the adaptive policy is within 5%% of the better of the two (paired) in %d of"
                    + " %d cells; its worst cell is %s (%+.0f%%).", within, cells, worstCell, worst);
            line("");
        }
    }

    // ------------------------------------------------------------------------------------ 4

    private void jmh(Main.Results r) {
        line("## 4. Client cost without the database (JMH)");
        line("");
        if (r.jmh().isEmpty()) {
            line("Not run (`--skip-jmh`).");
            line("");
            return;
        }
        line("%s `RenderBenchmark`, JMH average time, 1 fork, 2 warm-up and 4 measured iterations of 1 s;"
                + " median (min .. max) over the measured iterations; bytes allocated per call by JMH's GC profiler"
                + " (`gc.alloc.rate.norm`). *Mock* runs the whole execution down to a JDBC `PreparedStatement` of"
                + " jOOQ's `MockConnection`, which answers \"1 row\" at once (a statement with `RETURNING`: one row of"
                + " the version, built once).", CORES_NOTE);
        line("");
        line("| benchmark | what it does | ns / call | bytes / call |");
        line("| --- | --- | ---: | ---: |");
        for (Jmh.Score s : r.jmh()) {
            line("| `%s` | %s | %s | %,.0f |", s.benchmark(), describe(s.benchmark()), s.nanosPerOp().format("%,.0f"),
                    s.bytesPerOp());
        }
        line("");
    }

    private static String describe(String benchmark) {
        return switch (benchmark) {
            case "occBuild" -> "occ: build the locked update";
            case "jooqBuild" -> "jOOQ: build the update with `.and(VERSION.eq(..))`";
            case "occBuildRender" -> "occ: build, `getSQL()`";
            case "jooqBuildRender" -> "jOOQ: build, `getSQL()`";
            case "occExecuteMock" -> "occ: build, then its direct execution on the mock (rendered once per shape)";
            case "occExecuteMockThroughJooq" -> "occ with direct execution off: build, render, bind, execute through jOOQ";
            case "jooqExecuteMock" -> "jOOQ: build, render, bind, execute on the mock";
            case "rawJdbcMock" -> "raw JDBC: bind and execute a reused `PreparedStatement` on the mock";
            case "occRealisticExecuteMock" -> "occ, 1b (a): build the realistic account update, execute it on the mock";
            case "occReturningExecuteMock" -> "occ, 1b (b): build the update with `.returning(RESOURCE.VERSION)`,"
                    + " `fetchOne()` on the mock (which answers with one row of the version)";
            case "rawJdbcRealisticMock" -> "raw JDBC, 1b (a): bind and execute the reused realistic update on the mock";
            case "rawJdbcReturningMock" -> "raw JDBC, 1b (b): bind, `executeQuery` the reused `UPDATE .. RETURNING`,"
                    + " read the version on the mock";
            default -> "";
        };
    }

    // ------------------------------------------------------------------------------------ 5

    private void queue(Main.Results r) {
        QueueThroughput q = r.queue();
        line("## 5. Work queue throughput");
        line("");
        line("%s %,d rows of `resource` are pending (`name = '%s'`); 1 .. 8 workers, each a thread with a connection"
                + " of its own, claim chunks of **%d rows** in id order, write every row of the chunk and commit, until"
                + " none is pending. The write is the same code for every strategy: one `%s` per row (the row is done,"
                + " its counter `n` in `data` goes up by 1, computed by the database, and `version` moves on), the"
                + " chunk's updates sent as one JDBC batch in the claiming transaction. `synchronous_commit = %s`,"
                + " READ COMMITTED; the table's trigger, GIN and name indexes, and an index on `(name, id)` created"
                + " for this scenario only (what any queue needs for its pending condition, in claim order; not in"
                + " the migrations). Before each run all rows are made pending again and the table is vacuumed; the"
                + " time runs from starting the workers until the last has stopped, so it includes a worker's last"
                + " look at an empty queue (with SKIP LOCKED, up to one wait of %d ms while the last chunks are held)."
                + " Each cell ran %d times, interleaved with the others, after one untimed"
                + " run of each strategy with 2 workers; rows/s is the median with (min .. max).",
                CORES_NOTE, q.rows(), QueueThroughput.PENDING, QueueThroughput.CHUNK,
                QueueThroughput.WRITE, q.synchronousCommit() ? "on" : "off", QueueThroughput.BUSY_WAIT.toMillis(),
                r.plan().queueRepetitions());
        line("");
        for (QueueThroughput.Strategy s : QueueThroughput.Strategy.values()) {
            line("- **%s**: %s.", s.label, s.description);
        }
        line("");
        line("*Exactly once*: after every run each of the %,d rows must be done with its counter at exactly 1, the"
                + " counters must add up to %,d and the workers' own count of committed rows must equal it; a run that"
                + " loses or doubles a row is marked here and fails the benchmark.", q.rows(), q.rows());
        line("");
        line("%s Rows/s: median (min .. max) of the repetitions; *x 1 worker* divides by the same strategy's median"
                + " with one worker.", CORES_NOTE);
        line("");
        line("| workers | occ WorkQueue rows/s | x 1 worker | raw JDBC SKIP LOCKED rows/s | x 1 worker |"
                + " plain FOR UPDATE rows/s | x 1 worker | occ vs plain FOR UPDATE | occ vs raw SKIP LOCKED |"
                + " exactly once |");
        line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        QueueThroughput.Cell occOne = r.queueCell(QueueThroughput.Strategy.OCC, 1);
        QueueThroughput.Cell skipOne = r.queueCell(QueueThroughput.Strategy.SKIP_LOCKED, 1);
        QueueThroughput.Cell plainOne = r.queueCell(QueueThroughput.Strategy.FOR_UPDATE, 1);
        for (int workers : Main.THREADS) {
            QueueThroughput.Cell o = r.queueCell(QueueThroughput.Strategy.OCC, workers);
            QueueThroughput.Cell k = r.queueCell(QueueThroughput.Strategy.SKIP_LOCKED, workers);
            QueueThroughput.Cell p = r.queueCell(QueueThroughput.Strategy.FOR_UPDATE, workers);
            if (o == null || k == null || p == null) {
                continue;
            }
            boolean exact = o.exactlyOnce() && k.exactlyOnce() && p.exactlyOnce();
            line("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |", workers, o.rowsPerSecond().format("%,.0f"),
                    times(o, occOne), k.rowsPerSecond().format("%,.0f"), times(k, skipOne),
                    p.rowsPerSecond().format("%,.0f"), times(p, plainOne), times(o, p), times(o, k),
                    exact ? "yes (" + String.format(Locale.ROOT, "%,d", o.rows() + k.rows() + p.rows()) + " rows)" : "**NOT EXACTLY ONCE**: "
                            + notOnce(o, k, p));
        }
        line("");
    }

    private static String times(QueueThroughput.Cell cell, QueueThroughput.Cell base) {
        return cell == null || base == null ? "n/a"
                : fmt("%.2fx", cell.rowsPerSecond().median() / base.rowsPerSecond().median());
    }

    private static String notOnce(QueueThroughput.Cell... cells) {
        StringBuilder out = new StringBuilder();
        for (QueueThroughput.Cell c : cells) {
            for (QueueThroughput.Run run : c.runs()) {
                if (!run.exactlyOnce()) {
                    out.append(out.length() == 0 ? "" : "; ").append(c.strategy().label).append(": ")
                            .append(run.check());
                }
            }
        }
        return out.toString();
    }

    // ------------------------------------------------------------------------------------ method

    private void method(Main.Results r) {
        line("## Method");
        line("");
        line("- One JVM runs every scenario against one embedded server started for the run (durable settings;"
                + " the server's data directory is deleted at exit), from the machine's PostgreSQL binaries or, where"
                + " there are none, from the `io.zonky.test.postgres` binaries on the class path; it does not use"
                + " `OCC_JDBC_URL` or Docker, since it needs a server with its own settings. The harness is"
                + " `benchmarks/src/main/java`; `ContendersSmokeTest` runs every contender a few hundred times under `mvn verify`, checking"
                + " statements per update and exact sums, never timings.");
        line("- Single-row tables: one thread; every contender has its own connection and its own %d rows, whose"
                + " versions it knows (as a client that read them earlier); each update writes a name and a small"
                + " JSON document from a precomputed set, so that no contender pays for building strings.",
                BenchDatabase.SLOT_ROWS);
        line("- Scenario 1b: every statement has a raw JDBC partner doing the same work on rows of its own (one reused"
                + " `PreparedStatement`; for `RETURNING`, `executeQuery` and the version read back), all ten contenders"
                + " interleaved in the same rounds, so that each ratio pairs a contender with its partner's batch of the"
                + " same round. The Spring check runs once, untimed, before them; a failing update that does not come"
                + " out as Spring's `DataAccessException` fails the benchmark.");
        line("- The transaction tables begin and commit one transaction per update on the JDBC connection"
                + " (`setAutoCommit(false)`, `commit()`), for every contender but Hibernate, whose `Session` does it.");
        line("- Ratios are of time per update (lower is better), paired round by round, so that drift between rounds"
                + " cancels out.");
        line("");
    }
}
