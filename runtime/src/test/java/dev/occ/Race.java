package dev.occ;

import static org.junit.jupiter.api.Assertions.fail;

import dev.occ.postgres.TestDatabaseExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;

/**
 * Support for the race tests: their sizes, a session (one connection) per worker, and a runner
 * that starts workers together behind a start gate and waits for them with a timeout. The database
 * and the sessions come from {@link RaceExtension}.
 *
 * <p>The sizes are small by default, so that the suite stays fast; raise them for a soak by hand:
 *
 * <pre>
 * mvn -B -q test -pl runtime -Dtest='*Race*Test,*Fault*Test' \
 *     -Docc.race.threads=16 -Docc.race.increments=5000 -Docc.race.transfers=5000 -Docc.race.faultMillis=60000
 * </pre>
 */
final class Race {

    /** Worker threads of each race ({@code -Docc.race.threads}, at least 2). */
    static final int THREADS = Math.max(2, Integer.getInteger("occ.race.threads", 8));
    /** Increments each counter worker makes ({@code -Docc.race.increments}). */
    static final int INCREMENTS = Integer.getInteger("occ.race.increments", 500);
    /** Transfers each transfer worker makes ({@code -Docc.race.transfers}). */
    static final int TRANSFERS = Integer.getInteger("occ.race.transfers", 100);
    /** Players in the points game ({@code -Docc.race.players}, at least 2). */
    static final int PLAYERS = Math.max(2, Integer.getInteger("occ.race.players", 10));
    /** How long transfers run under faults, in milliseconds ({@code -Docc.race.faultMillis}). */
    static final long FAULT_MILLIS = Long.getLong("occ.race.faultMillis", 2000);
    /** How long a race may take before it fails with a thread dump ({@code -Docc.race.timeoutSeconds}). */
    static final long TIMEOUT_SECONDS = Long.getLong("occ.race.timeoutSeconds", 120);

    /** Workers set this application_name, so that the fault injector kills no other session. */
    static final String WORKER_APPLICATION = "occ-race-worker";

    private Race() {
    }

    /**
     * One connection of its own, named {@code applicationName} in {@code pg_stat_activity}, and a
     * jOOQ context over it; it can be opened again after the server killed it. Sessions come from
     * {@link RaceExtension}.
     */
    static final class Session implements AutoCloseable {
        private final TestDatabaseExtension database;
        private final String applicationName;
        private final DSLContext ctx;
        private Connection connection;
        private int pid;

        /**
         * @param open whether to connect now, or on the first use of {@link #ctx()} or {@link #pid()}
         */
        Session(TestDatabaseExtension database, String applicationName, boolean open) {
            this.database = database;
            this.applicationName = applicationName;
            // jOOQ asks for the connection on every statement, so the context outlives a reopen
            this.ctx = DSL.using(new DefaultConfiguration().set(SQLDialect.POSTGRES).set(new ConnectionProvider() {
                @Override
                public Connection acquire() {
                    return connection();
                }

                @Override
                public void release(Connection released) {
                    // the session keeps its connection until it is closed or reopened
                }
            }));
            if (open) {
                reopen();
            }
        }

        /** @return the context over this session's connection */
        DSLContext ctx() {
            return ctx;
        }

        /** @return the server process id of this session's connection */
        synchronized int pid() {
            connection();
            return pid;
        }

        private synchronized Connection connection() {
            if (connection == null) {
                reopen();
            }
            return connection;
        }

        /** Closes the connection (quietly: it may be dead) and opens a new one. */
        synchronized void reopen() {
            closeQuietly();
            try {
                connection = database.connect();
                try (Statement s = connection.createStatement()) {
                    s.execute("set application_name = '" + applicationName + "'");
                }
            } catch (SQLException e) {
                closeQuietly();
                throw new IllegalStateException("cannot connect to " + database + ": " + e.getMessage(), e);
            }
            pid = ctx.fetchValue(DSL.field("pg_backend_pid()", Integer.class));
        }

        private void closeQuietly() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // a connection the server terminated cannot be closed cleanly; it is gone anyway
                }
                connection = null;
            }
        }

        @Override
        public synchronized void close() {
            closeQuietly();
        }
    }

    /** The body of one worker of a race. */
    @FunctionalInterface
    interface Worker<T> {
        /**
         * @param index the worker's number, from 0
         * @return what the worker found
         * @throws Exception anything: it fails the race
         */
        T run(int index) throws Exception;
    }

    /**
     * Runs {@code workers} workers on threads of their own, released together by a start gate, and
     * waits up to {@link #TIMEOUT_SECONDS} for all of them. A worker that throws fails the race with
     * its exception; a race that times out fails with the workers' stacks.
     *
     * @return the workers' results, in worker order
     */
    static <T> List<T> run(String name, int workers, Worker<T> worker) {
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers,
                r -> new Thread(r, "race-" + name + "-" + threadNumber.getAndIncrement()));
        CountDownLatch ready = new CountDownLatch(workers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return worker.run(index);
                }));
            }
            if (!ready.await(30, TimeUnit.SECONDS)) {
                fail(name + ": the workers did not start within 30 s");
            }
            go.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            List<T> results = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                try {
                    results.add(futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (ExecutionException e) {
                    throw new AssertionError(name + ": worker " + i + " failed: " + e.getCause(), e.getCause());
                } catch (TimeoutException e) {
                    fail(name + ": worker " + i + " did not finish within " + TIMEOUT_SECONDS + " s (-Docc.race"
                            + ".timeoutSeconds); the workers are at:\n" + stacks("race-" + name + "-"));
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted while waiting for the workers", e);
        } finally {
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                    System.out.println("[occ race] " + name + ": workers still running after shutdown");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String stacks(String prefix) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith(prefix))
                .map(e -> e.getKey().getName() + " " + e.getKey().getState() + "\n    at "
                        + Arrays.stream(e.getValue()).limit(25).map(String::valueOf)
                                .collect(Collectors.joining("\n    at ")))
                .collect(Collectors.joining("\n"));
    }

    /** Prints one line of a race's report: the counts a reader of the build log wants to see. */
    static void report(String format, Object... args) {
        System.out.println("[occ race] " + String.format(format, args));
    }

    /** Milliseconds since {@code startNanos}. */
    static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
