package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.PLAYER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.PlayerRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link RetryPolicy} against real PostgreSQL: what it retries (occ conflicts, 40001, 40P01) and what
 * it does not, what the caller gets when it gives up, its listener, its caps, its isolation level
 * and its builder's validation.
 */
class RetryPolicyTest {

    @RegisterExtension
    static final RaceExtension race = RaceExtension.withMainSession("occ-retry-main");
    /** The units run on the main session's connection. */
    static final DSLContext ctx = race.ctx();
    /** Other transactions run on this one. */
    static final Race.Session other = race.hold("occ-retry-other");

    private static int player(int points) {
        return PointsGame.create(ctx, 1, points).players.get(0);
    }

    private static int points(int id) {
        return ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id));
    }

    /** Another transaction sets the player's points, moving its version on, and commits. */
    private static void otherTransactionSets(int id, int points) {
        PlayerRecord p = other.ctx().fetchSingle(PLAYER, PLAYER.ID.eq(id));
        Occ.using(other.ctx()).update(PLAYER).set(PLAYER.NUM_POINTS, points).where(PLAYER.ID.eq(id))
                .lockingPolicy(optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute();
    }

    private static String sqlState(Throwable e) {
        return e instanceof DataAccessException d ? d.sqlState() : null;
    }

    /** No waits and no time cap, so that a slow machine changes nothing. */
    private static RetryPolicy.Builder quick() {
        return RetryPolicy.builder().withBackoff(Duration.ZERO, Duration.ZERO).withMaxDuration(null);
    }

    // ------------------------------------------------------------------------------------ what is retried

    @Test
    void aConflictReRunsTheWholeUnitWhichReadsAgain() {
        int id = player(10);
        List<RetryEvent> events = new ArrayList<>();
        List<Integer> reads = new ArrayList<>();
        RetryPolicy retry = quick().onRetry(events::add).build();

        int written = retry.transactionResult(ctx, cfg -> {
            PlayerRecord p = cfg.dsl().fetchSingle(PLAYER, PLAYER.ID.eq(id));
            reads.add(p.getNumPoints());
            if (reads.size() == 1) {
                otherTransactionSets(id, 20); // between this attempt's read and its write
            }
            Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, p.getNumPoints() + 1).where(PLAYER.ID.eq(id))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute();
            return p.getNumPoints() + 1;
        });

        assertEquals(List.of(10, 20), reads, "the second attempt read the row again");
        assertEquals(21, written);
        assertEquals(21, points(id), "the other transaction's 20 was not overwritten with 11");
        assertEquals(1, events.size());
        assertEquals(1, events.get(0).attempt());
        ConflictException cause = assertInstanceOf(ConflictException.class, events.get(0).cause());
        assertEquals(ConflictException.Kind.VERSION_CHANGED, cause.kind());
    }

    @Test
    void aSerializationFailureUnderRepeatableReadIsRetried() {
        int id = player(10);
        List<RetryEvent> events = new ArrayList<>();
        List<Integer> reads = new ArrayList<>();
        RetryPolicy retry = quick().withIsolation(RetryPolicy.Isolation.REPEATABLE_READ).onRetry(events::add).build();

        int written = retry.transactionResult(ctx, cfg -> {
            PlayerRecord p = cfg.dsl().fetchSingle(PLAYER, PLAYER.ID.eq(id)); // the snapshot is taken here
            reads.add(p.getNumPoints());
            if (reads.size() == 1) {
                otherTransactionSets(id, 50);
            }
            Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, p.getNumPoints() + 1).where(PLAYER.ID.eq(id))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute();
            return p.getNumPoints() + 1;
        });

        assertEquals(List.of(10, 50), reads);
        assertEquals(51, written);
        assertEquals(51, points(id));
        assertEquals(1, events.size());
        assertEquals("40001", sqlState(events.get(0).cause()),
                "under REPEATABLE READ the concurrent update is a serialization failure: " + events.get(0).cause());
    }

    @Test
    void aWriteSkewUnderSerializableIsRetried() {
        int a = player(10);
        int b = player(10);
        List<RetryEvent> events = new ArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy serializable = quick().withIsolation(RetryPolicy.Isolation.SERIALIZABLE).onRetry(events::add)
                .build();
        RetryPolicy once = RetryPolicy.builder().withMaxAttempts(1).withIsolation(RetryPolicy.Isolation.SERIALIZABLE)
                .build();

        // each transaction takes 5 points from one player if both together still hold 20: run one
        // after the other, only the first may take; run concurrently, both would (a write skew)
        serializable.transaction(ctx, cfg -> {
            attempts.incrementAndGet();
            assertEquals("serializable", isolation(cfg.dsl()));
            int together = sum(cfg.dsl(), a, b);
            if (attempts.get() == 1) {
                once.transaction(other.ctx(), o -> {
                    if (sum(o.dsl(), a, b) >= 20) {
                        o.dsl().update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.minus(5))
                                .where(PLAYER.ID.eq(a)).execute();
                    }
                });
            }
            if (together >= 20) {
                cfg.dsl().update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.minus(5)).where(PLAYER.ID.eq(b))
                        .execute();
            }
        });

        assertEquals(2, attempts.get());
        assertEquals(1, events.size());
        assertEquals("40001", sqlState(events.get(0).cause()), String.valueOf(events.get(0).cause()));
        assertEquals(5, points(a), "the other transaction took from a");
        assertEquals(10, points(b), "the retried unit read 15 and took nothing");
        assertEquals("read committed", isolation(ctx), "the level did not outlive the transactions");
    }

    private static int sum(DSLContext tx, int a, int b) {
        return tx.select(DSL.sum(PLAYER.NUM_POINTS)).from(PLAYER).where(PLAYER.ID.in(a, b)).fetchOne().value1()
                .intValue();
    }

    private static String isolation(DSLContext tx) {
        return tx.fetchValue(DSL.field("current_setting('transaction_isolation')", String.class));
    }

    @Test
    void aDeadlockIsRetried() throws Exception {
        int a = player(0);
        int b = player(0);
        List<RetryEvent> events = Collections.synchronizedList(new ArrayList<>());
        // the victim waits before it runs again, so that the survivor can finish (without a wait it
        // may take its first row back at once, and deadlock again)
        RetryPolicy retry = RetryPolicy.builder().withBackoff(Duration.ofMillis(100), Duration.ofMillis(100))
                .withMaxDuration(null).onRetry(events::add).build();
        CyclicBarrier bothHoldOneRow = new CyclicBarrier(2);

        List<Integer> attempts = Race.run("deadlock", 2, worker -> {
            int first = worker == 0 ? a : b;
            int second = worker == 0 ? b : a;
            AtomicInteger attempt = new AtomicInteger();
            try (Race.Session session = race.session("occ-deadlock")) {
                shortDeadlockTimeout(session.ctx());
                retry.transaction(session.ctx(), cfg -> {
                    increment(cfg, first);
                    if (attempt.incrementAndGet() == 1) {
                        bothHoldOneRow.await(10, TimeUnit.SECONDS); // then each waits for the other's row
                    }
                    increment(cfg, second);
                });
            }
            return attempt.get();
        });

        assertFalse(events.isEmpty(), "PostgreSQL broke the deadlock by failing one transaction");
        events.forEach(event -> assertEquals("40P01", sqlState(event.cause()), String.valueOf(event.cause())));
        assertEquals(2 + events.size(), attempts.get(0) + attempts.get(1), "each deadlock cost one more attempt");
        assertEquals(2, points(a), "each unit added 1 to a, once");
        assertEquals(2, points(b), "each unit added 1 to b, once");
    }

    /** PostgreSQL looks for deadlocks after 1 s of waiting; a superuser may make that 100 ms. */
    private static void shortDeadlockTimeout(DSLContext session) {
        try {
            session.execute(DSL.query("set deadlock_timeout = '100ms'"));
        } catch (DataAccessException notSuperuser) {
            // then the deadlock takes a second to be found
        }
    }

    private static void increment(Configuration cfg, int id) {
        cfg.dsl().update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(1)).where(PLAYER.ID.eq(id)).execute();
    }

    // -------------------------------------------------------------------------------- what is not retried

    @Test
    void aCheckViolationGoesStraightOutAfterOneAttempt() {
        int id = player(3);
        AtomicInteger attempts = new AtomicInteger();
        List<RetryEvent> events = new ArrayList<>();
        RetryPolicy retry = quick().withMaxAttempts(10).onRetry(events::add).build();

        DataAccessException e = assertThrows(DataAccessException.class, () -> retry.transaction(ctx, cfg -> {
            attempts.incrementAndGet();
            cfg.dsl().update(PLAYER).set(PLAYER.NUM_POINTS, -1).where(PLAYER.ID.eq(id)).execute();
        }));

        assertEquals("23514", e.sqlState(), e.getMessage());
        assertFalse(RetryPolicy.isRetryable(e));
        assertEquals(1, attempts.get());
        assertEquals(List.of(), events);
        assertEquals(0, e.getSuppressed().length, "nothing says 'gave up': it never tried again");
        assertEquals(3, points(id));
    }

    @Test
    void anExceptionOfTheUnitGoesStraightOut() {
        AtomicInteger attempts = new AtomicInteger();
        IllegalStateException mine = new IllegalStateException("not a conflict");
        RetryPolicy retry = quick().withMaxAttempts(10).build();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> retry.transaction(ctx, cfg -> {
            attempts.incrementAndGet();
            throw mine;
        }));

        assertSame(mine, e);
        assertEquals(1, attempts.get());
    }

    // -------------------------------------------------------------------------------- giving up

    @Test
    void whenAttemptsRunOutTheCallerGetsTheLastConflictItselfWithTheAttemptsMade() {
        int id = player(10);
        OffsetDateTime stale = ctx.fetchValue(PLAYER.UPDATED_AT, PLAYER.ID.eq(id));
        otherTransactionSets(id, 11);
        List<ConflictException> thrown = new ArrayList<>();
        List<RetryEvent> events = new ArrayList<>();
        RetryPolicy retry = quick().withMaxAttempts(4).onRetry(events::add).build();

        ConflictException e = assertThrows(ConflictException.class, () -> retry.transaction(ctx, cfg -> {
            try {
                Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, 0).where(PLAYER.ID.eq(id))
                        .lockingPolicy(optimistic(PLAYER.UPDATED_AT, stale)).execute();
            } catch (ConflictException conflict) {
                thrown.add(conflict);
                throw conflict;
            }
        }));

        assertEquals(4, thrown.size());
        assertSame(thrown.get(3), e, "the last conflict, not a wrapper and not the first");
        assertEquals(4, e.attempts());
        assertEquals(ConflictException.Kind.VERSION_CHANGED, e.kind());
        assertEquals(stale, e.expectedVersion());
        assertEquals(List.of(1, 2, 3), events.stream().map(RetryEvent::attempt).toList());
        for (int i = 0; i < 3; i++) {
            assertSame(thrown.get(i), events.get(i).cause(), "the listener sees each attempt's own cause");
        }
        assertEquals(11, points(id));
    }

    @Test
    void whenAttemptsRunOutOnASerializationFailureTheCallerGetsItWithTheAttemptsSaid() {
        int id = player(10);
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy retry = quick().withMaxAttempts(3).withIsolation(RetryPolicy.Isolation.REPEATABLE_READ).build();

        DataAccessException e = assertThrows(DataAccessException.class, () -> retry.transaction(ctx, cfg -> {
            attempts.incrementAndGet();
            cfg.dsl().fetchSingle(PLAYER, PLAYER.ID.eq(id)); // the snapshot
            other.ctx().update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(1)).where(PLAYER.ID.eq(id))
                    .execute();
            cfg.dsl().update(PLAYER).set(PLAYER.NUM_POINTS, 0).where(PLAYER.ID.eq(id)).execute(); // always too late
        }));

        assertEquals("40001", e.sqlState());
        assertEquals(3, attempts.get());
        assertEquals(1, e.getSuppressed().length);
        assertEquals("occ RetryPolicy gave up after 3 attempts", e.getSuppressed()[0].getMessage());
        assertEquals(13, points(id));
    }

    @Test
    void maxDurationCapsTheRetries() {
        int id = player(10);
        OffsetDateTime stale = ctx.fetchValue(PLAYER.UPDATED_AT, PLAYER.ID.eq(id));
        otherTransactionSets(id, 11);
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy retry = RetryPolicy.builder()
                .withMaxAttempts(1000)
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(100))
                .withJitter(0)
                .withMaxDuration(Duration.ofMillis(350))
                .build();

        long start = System.nanoTime();
        ConflictException e = assertThrows(ConflictException.class, () -> retry.transaction(ctx, cfg -> {
            attempts.incrementAndGet();
            Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, 0).where(PLAYER.ID.eq(id))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, stale)).execute();
        }));
        long millis = Race.millisSince(start);

        // attempts start at about 0, 100, 200 and 300 ms (later on a slow machine); a fifth would
        // start at 400 ms, past the cap
        assertTrue(attempts.get() >= 2 && attempts.get() <= 4, attempts.get() + " attempts");
        assertEquals(attempts.get(), e.attempts());
        assertTrue(millis < 2_000, "took " + millis + " ms");
    }

    @Test
    void backoffDoublesUpToItsCapAndJitterStaysWithinIt() {
        int id = player(10);
        OffsetDateTime stale = ctx.fetchValue(PLAYER.UPDATED_AT, PLAYER.ID.eq(id));
        otherTransactionSets(id, 11);
        List<RetryEvent> exact = new ArrayList<>();
        List<RetryEvent> jittered = new ArrayList<>();
        TransactionalUnit conflict = cfg -> Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, 0)
                .where(PLAYER.ID.eq(id)).lockingPolicy(optimistic(PLAYER.UPDATED_AT, stale)).execute();

        RetryPolicy doubling = RetryPolicy.builder().withMaxAttempts(6).withMaxDuration(null).withJitter(0)
                .withBackoff(Duration.ofMillis(2), Duration.ofMillis(10)).onRetry(exact::add).build();
        assertThrows(ConflictException.class, () -> doubling.transaction(ctx, conflict::run));
        assertEquals(List.of(2L, 4L, 8L, 10L, 10L), exact.stream().map(ev -> ev.delay().toMillis()).toList());

        RetryPolicy spread = RetryPolicy.builder().withMaxAttempts(8).withMaxDuration(null).withJitter(1)
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(4)).onRetry(jittered::add).build();
        assertThrows(ConflictException.class, () -> spread.transaction(ctx, conflict::run));
        assertEquals(7, jittered.size());
        jittered.forEach(ev -> assertTrue(!ev.delay().isNegative() && ev.delay().compareTo(Duration.ofMillis(4)) <= 0,
                "wait " + ev.delay() + " outside [0, maxDelay]"));
    }

    /** A unit with a narrower throws clause than jOOQ's, so that it can be passed twice. */
    @FunctionalInterface
    interface TransactionalUnit {
        void run(Configuration cfg);
    }

    @Test
    void anInterruptedThreadStopsRetryingAndKeepsItsInterruptStatus() {
        int id = player(10);
        OffsetDateTime stale = ctx.fetchValue(PLAYER.UPDATED_AT, PLAYER.ID.eq(id));
        otherTransactionSets(id, 11);
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy retry = RetryPolicy.builder().withMaxAttempts(100)
                .withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5))
                .withMaxDuration(null).build();

        long start = System.nanoTime();
        ConflictException e;
        try {
            e = assertThrows(ConflictException.class, () -> retry.transaction(ctx, cfg -> {
                attempts.incrementAndGet();
                Thread.currentThread().interrupt(); // as if someone cancelled the request
                Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, 0).where(PLAYER.ID.eq(id))
                        .lockingPolicy(optimistic(PLAYER.UPDATED_AT, stale)).execute();
            }));
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt status was kept for the caller");
        }

        assertEquals(1, attempts.get());
        assertEquals(1, e.attempts());
        assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(InterruptedException.class::isInstance),
                Arrays.toString(e.getSuppressed()));
        assertTrue(Race.millisSince(start) < 4_000, "it did not wait the 5 s backoff");
    }

    // -------------------------------------------------------------------------------- isolation

    @ParameterizedTest
    @EnumSource(RetryPolicy.Isolation.class)
    void theIsolationLevelAppliesToEachAttemptAndNotBeyond(RetryPolicy.Isolation level) {
        try (Race.Session session = race.session("occ-isolation")) {
            // the session's default, changed, so that the policy's level is seen to win over it
            session.ctx().execute(DSL.query("set session characteristics as transaction isolation level "
                    + (level == RetryPolicy.Isolation.REPEATABLE_READ ? "serializable" : "repeatable read")));
            String before = isolation(session.ctx());
            String inside = RetryPolicy.builder().withIsolation(level).build()
                    .transactionResult(session.ctx(), cfg -> isolation(cfg.dsl()));

            assertEquals(level.name().replace('_', ' ').toLowerCase(), inside);
            assertEquals(before, isolation(session.ctx()), "the level ended with the transaction");
        }
    }

    @Test
    void withoutAnIsolationLevelTheDatabaseDefaultApplies() {
        assertEquals("read committed", RetryPolicy.defaults().transactionResult(ctx, cfg -> isolation(cfg.dsl())));
    }

    // -------------------------------------------------------------------------------- isRetryable

    @Test
    void isRetryableLooksThroughTheCauses() {
        SQLException serialization = new SQLException("could not serialize access", "40001");
        SQLException deadlock = new SQLException("deadlock detected", "40P01");
        SQLException batch = new SQLException("batch entry 0 failed", "42000");
        batch.setNextException(serialization);
        RuntimeException outer = new RuntimeException("outer");
        RuntimeException inner = new RuntimeException("inner", outer);
        outer.initCause(inner); // a cycle

        assertTrue(RetryPolicy.isRetryable(new DataAccessException("wrapped", serialization)));
        assertTrue(RetryPolicy.isRetryable(new RuntimeException(new DataAccessException("wrapped", deadlock))));
        assertTrue(RetryPolicy.isRetryable(new DataAccessException("batch", batch)));
        assertFalse(RetryPolicy.isRetryable(new DataAccessException("x", new SQLException("x", "23514"))));
        assertFalse(RetryPolicy.isRetryable(new DataAccessException("x", new SQLException("x", "57P01"))));
        assertFalse(RetryPolicy.isRetryable(outer), "a cycle of causes ends the search");
        assertFalse(RetryPolicy.isRetryable(null));
    }

    // -------------------------------------------------------------------------------- the builder

    @Test
    void theDefaultsSuitAnInteractiveRequest() {
        RetryPolicy defaults = RetryPolicy.defaults();
        assertEquals(5, defaults.maxAttempts());
        assertEquals(null, defaults.isolation());
        assertEquals("RetryPolicy[maxAttempts=5, backoff=5..250ms, jitter=0.5, maxDuration=2000ms, isolation=default]",
                defaults.toString());
    }

    @Test
    void aBuiltPolicyDoesNotChangeWithItsBuilder() {
        RetryPolicy.Builder builder = RetryPolicy.builder().withMaxAttempts(3);
        RetryPolicy built = builder.build();
        builder.withMaxAttempts(7).withIsolation(RetryPolicy.Isolation.SERIALIZABLE);
        assertEquals(3, built.maxAttempts());
        assertEquals(null, built.isolation());
    }

    @Test
    void theBuilderRefusesBadSettingsWithMessagesThatNameThem() {
        RetryPolicy.Builder b = RetryPolicy.builder();
        assertEquals("maxAttempts cannot be less than 1, but is 0",
                assertThrows(IllegalArgumentException.class, () -> b.withMaxAttempts(0)).getMessage());
        assertEquals("delay cannot be negative, but is PT-0.001S",
                assertThrows(IllegalArgumentException.class,
                        () -> b.withBackoff(Duration.ofMillis(-1), Duration.ofMillis(1))).getMessage());
        assertEquals("maxDelay cannot be less than delay (PT0.01S), but is PT0.005S",
                assertThrows(IllegalArgumentException.class,
                        () -> b.withBackoff(Duration.ofMillis(10), Duration.ofMillis(5))).getMessage());
        assertEquals("delay cannot be null",
                assertThrows(NullPointerException.class, () -> b.withBackoff(null, Duration.ZERO)).getMessage());
        assertEquals("maxDelay cannot be null",
                assertThrows(NullPointerException.class, () -> b.withBackoff(Duration.ZERO, null)).getMessage());
        assertEquals("jitter factor cannot be outside 0..1, but is 1.5",
                assertThrows(IllegalArgumentException.class, () -> b.withJitter(1.5)).getMessage());
        assertEquals("jitter factor cannot be outside 0..1, but is NaN",
                assertThrows(IllegalArgumentException.class, () -> b.withJitter(Double.NaN)).getMessage());
        assertEquals("maxDuration cannot be zero or negative, but is PT0S",
                assertThrows(IllegalArgumentException.class, () -> b.withMaxDuration(Duration.ZERO)).getMessage());
        assertEquals("listener cannot be null",
                assertThrows(NullPointerException.class, () -> b.onRetry(null)).getMessage());
        RetryPolicy policy = b.build();
        assertEquals("ctx cannot be null",
                assertThrows(NullPointerException.class, () -> policy.transactionResult(null, cfg -> 1)).getMessage());
        assertEquals("unit cannot be null",
                assertThrows(NullPointerException.class, () -> policy.transaction(ctx, null)).getMessage());
        assertNotNull(b.withMaxDuration(null).build(), "no cap is allowed");
    }

    // -------------------------------------------------------------------------------- the README's example

    // The example of the README's section "Retrying a unit of work";
    // theReadmeShowsThisTestedExample keeps the two equal.
    static final RetryPolicy RETRY = RetryPolicy.builder()
            .withMaxAttempts(10)
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(100))
            .onRetry(event -> System.out.println("retry " + event.attempt() + " after " + event.cause()))
            .build();

    static void transferPoints(DSLContext ctx, int loserId, int winnerId, int scored) {
        RETRY.transaction(ctx, cfg -> {
            PlayerRecord loser = cfg.dsl().fetchSingle(PLAYER, PLAYER.ID.eq(loserId));
            PlayerRecord winner = cfg.dsl().fetchSingle(PLAYER, PLAYER.ID.eq(winnerId));
            LockingDSLContext db = Occ.using(cfg);
            db.update(PLAYER)
                    .set(PLAYER.NUM_POINTS, loser.getNumPoints() - scored)
                    .where(PLAYER.ID.eq(loserId))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, loser.getUpdatedAt()))
                    .execute();
            db.update(PLAYER)
                    .set(PLAYER.NUM_POINTS, winner.getNumPoints() + scored)
                    .where(PLAYER.ID.eq(winnerId))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, winner.getUpdatedAt()))
                    .execute();
        });
    }

    @Test
    void theReadmeShowsThisTestedExample() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int section = readme.indexOf("## Retrying a unit of work");
        assertTrue(section >= 0, "README.md has no section 'Retrying a unit of work'");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        List<String> shown = lines(readme.substring(start, readme.indexOf("```", start)));
        List<String> tested = lines(Files.readString(Path.of("src/test/java/dev/occ/RetryPolicyTest.java")));

        assertTrue(shown.size() > 10 && Collections.indexOfSubList(tested, shown) >= 0,
                "the README's example is not RetryPolicyTest's RETRY and transferPoints:\n" + String.join("\n", shown));
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    @Test
    void theReadmeExampleMovesEveryPointUnderContention() {
        int loser = player(100);
        int winner = player(0);
        int threads = 2;
        int transfers = 15;

        // two users scoring on the same pair of players, a request every 0 to 3 ms each
        Race.run("readme", threads, worker -> {
            try (Race.Session session = race.session(Race.WORKER_APPLICATION)) {
                for (int i = 0; i < transfers; i++) {
                    transferPoints(session.ctx(), loser, winner, 1);
                    Thread.sleep(ThreadLocalRandom.current().nextInt(4));
                }
            }
            return null;
        });

        assertEquals(100 - threads * transfers, points(loser));
        assertEquals(threads * transfers, points(winner));
    }
}
