package dev.occ.samples;

import static dev.occ.samples.db.Tables.RESOURCE;

import dev.occ.WorkQueue;
import dev.occ.postgres.TestDatabase;
import dev.occ.samples.db.tables.records.ResourceRecord;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jooq.CloseableDSLContext;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * A queue-driven batch job run by several worker processes at once: it seeds resources whose data
 * still needs normalising (named {@code todo-..}), starts worker processes (child JVMs, each one
 * worker of a {@link WorkQueue} with its own progress bar) against the same PostgreSQL, and reports
 * who did what. No coordinator but PostgreSQL: start more processes, on other machines too, and they
 * share the rows.
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; mvn -B -q exec:java -pl samples -Dexec.mainClass=dev.occ.samples.QueueJob -Dexec.args="20000 3"
 * </pre>
 *
 * Arguments: the number of rows (20,000) and of worker processes (3). A worker process is this class
 * with the arguments {@code worker <jdbc url> <user> <password> <name>}.
 */
public final class QueueJob {

    private QueueJob() {
    }

    /**
     * Runs the job, or one worker of it.
     *
     * @param args {@code [rows [processes]]}, or {@code worker <url> <user> <password> <name>}
     * @throws Exception when a worker process fails
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        if (args.length > 0 && args[0].equals("worker")) {
            try (CloseableDSLContext ctx = DSL.using(args[1], args[2], args[3])) {
                work(ctx, args[4]);
            }
            return;
        }
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int processes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        TestDatabase db = TestDatabase.create("queue_job");
        DSLContext ctx = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        String report = run(ctx, db, rows, processes);
        // the workers' own lines were echoed as they came: the totals are the last line
        System.out.print(report.substring(report.lastIndexOf('\n', report.length() - 2) + 1));
    }

    /**
     * Seeds {@code rows} resources to normalise and lets {@code processes} worker processes normalise them.
     *
     * @return the report, one line per worker and the totals
     */
    static String run(DSLContext ctx, TestDatabase db, int rows, int processes) throws Exception {
        ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA)
                .select(DSL.select(DSL.concat(DSL.val("todo-"), DSL.field("g", String.class)),
                        DSL.field("jsonb_build_object('Amount', g)", JSONB.class))
                        .from(DSL.generateSeries(1, rows).as("s", "g")))
                .execute();
        long start = System.nanoTime();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<Process> workers = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            workers.add(new ProcessBuilder(java.toString(), "-cp", classPath(),
                    QueueJob.class.getName(), "worker", db.jdbcUrl(), db.server().user(),
                    Objects.requireNonNullElse(db.server().password(), ""), "worker-" + (p + 1))
                    .redirectErrorStream(true).start());
        }
        StringBuilder report = new StringBuilder();
        List<Thread> echoes = new ArrayList<>();
        for (Process worker : workers) {
            Thread echo = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        System.out.println(line);
                        if (line.startsWith("worker-") && line.contains(" normalised ")) {
                            synchronized (report) {
                                report.append(line).append('\n');
                            }
                        }
                    }
                } catch (java.io.IOException e) {
                    System.out.println("lost a worker's output: " + e);
                }
            });
            echo.start();
            echoes.add(echo);
        }
        for (Process worker : workers) {
            if (worker.waitFor() != 0) {
                throw new IllegalStateException("a worker process failed with exit code " + worker.exitValue());
            }
        }
        for (Thread echo : echoes) {
            echo.join();
        }
        long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        int normalised = ctx.fetchCount(RESOURCE, RESOURCE.NAME.startsWith("done-"));
        int twice = ctx.fetchCount(RESOURCE, RESOURCE.VERSION.gt(2));
        report.append(String.format("%d rows normalised by %d processes in %d ms (%,.0f rows/s); left pending: %d; "
                + "processed twice: %d%n", normalised, processes, millis, normalised * 1000.0 / millis,
                ctx.fetchCount(RESOURCE, RESOURCE.NAME.startsWith("todo-")), twice));
        return report.toString();
    }

    /**
     * This program's class path, for its worker processes: the class loader's under
     * {@code mvn exec:java} (which loads the project in a class loader of its own), else the JVM's.
     */
    private static String classPath() throws java.net.URISyntaxException {
        if (QueueJob.class.getClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                entries.add(Path.of(url.toURI()).toString());
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    /** One worker process: claims chunks until nothing is pending, with a progress bar of its own. */
    private static void work(DSLContext ctx, String name) {
        int pending = ctx.fetchCount(RESOURCE, RESOURCE.NAME.startsWith("todo-"));
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(pending)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                // one line per update: several processes share the terminal
                .setConsumer(new DelegatingProgressBarConsumer(System.out::println)).build()) {
            WorkQueue.Report report = WorkQueue.builder(RESOURCE)
                    .pending(RESOURCE.NAME.startsWith("todo-"))
                    .orderBy(RESOURCE.ID)
                    .chunkSize(200)
                    .build()
                    .run(ctx, 1, (cfg, chunk) -> {
                        for (ResourceRecord r : chunk) {
                            // normalise: lower-case keys, and the row leaves the queue
                            cfg.dsl().update(RESOURCE)
                                    .set(RESOURCE.NAME, "done-" + r.getName().substring("todo-".length()))
                                    .set(RESOURCE.DATA, JSONB.valueOf(r.getData().data().replace("\"Amount\"", "\"amount\"")))
                                    .set(RESOURCE.VERSION, RESOURCE.VERSION.plus(1))
                                    .where(RESOURCE.ID.eq(r.getId()))
                                    .execute();
                        }
                        bar.stepBy(chunk.size());
                    });
            bar.close();
            System.out.println(name + " normalised " + report.rows() + " rows in " + report.chunks() + " chunks");
        }
    }
}
