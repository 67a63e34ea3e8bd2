package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.PLAYER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.PlayerRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.Configuration;
import org.jooq.TransactionalRunnable;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link RetryPolicy}'s classification options and its rule for a listener that throws: against
 * real PostgreSQL, a row lock held by another transaction ({@code 55P03}, retried only on request)
 * and real conflicts; without a database, the defaults, abort over handle and the builder's checks.
 */
class RetryPolicyOptionsTest {

    /** The units run on the main session. */
    @RegisterExtension
    static final RaceExtension race = RaceExtension.withMainSession("occ-options-units");
    static final Race.Session units = race.main();
    /** Holds a row lock in a transaction of its own, or commits a change in between. */
    static final Race.Session holder = race.hold("occ-options-holder");

    /** Whatever a test left open on the holder's connection is rolled back. */
    @AfterEach
    void endTheHoldersTransaction() {
        holder.ctx().connection(c -> {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
        });
    }

    /** No waits and no time cap, so that a slow machine changes nothing. */
    private static final Duration NO_WAIT = Duration.ZERO;

    private static RetryPolicy.Builder retryAtOnce() {
        return RetryPolicy.builder().withMaxDuration(null).withBackoff(NO_WAIT, NO_WAIT);
    }

    /** A player of a new one-player team, and what the tests do to it. */
    private final class Player {
        final int id = PointsGame.create(units.ctx(), 1, 10).players.get(0);

        int points() {
            return units.ctx().fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id));
        }

        /** The holder opens a transaction, sets the points and keeps the row locked. */
        void lockedWith(int points) {
            holder.ctx().connection(c -> c.setAutoCommit(false));
            holder.ctx().update(PLAYER).set(PLAYER.NUM_POINTS, points).where(PLAYER.ID.eq(id)).execute();
        }

        /** The holder's transaction commits; the row lock goes away. */
        void unlocked() {
            holder.ctx().connection(c -> {
                c.commit();
                c.setAutoCommit(true);
            });
        }

        /** The holder sets the points in a transaction of its own, moving the version on. */
        void changedTo(int points) {
            OffsetDateTime current = holder.ctx().fetchValue(PLAYER.UPDATED_AT, PLAYER.ID.eq(id));
            Occ.using(holder.ctx()).update(PLAYER).set(PLAYER.NUM_POINTS, points).where(PLAYER.ID.eq(id))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, current)).execute();
        }

        /** A unit that writes with a version read before a change, so that it conflicts every time. */
        TransactionalRunnable staleWrite() {
            OffsetDateTime stale = units.ctx().fetchValue(PLAYER.UPDATED_AT, PLAYER.ID.eq(id));
            changedTo(11);
            return cfg -> Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, 0).where(PLAYER.ID.eq(id))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, stale)).execute();
        }
    }

    /** Two ways to find a row locked: wait at most {@code lock_timeout}, or not at all. */
    enum LockWait {
        /** {@code set local lock_timeout = '50ms'}, then an UPDATE that waits for the row. */
        LOCK_TIMEOUT {
            @Override
            int addOne(Configuration cfg, int id) {
                cfg.dsl().execute("set local lock_timeout = '50ms'");
                cfg.dsl().update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(1)).where(PLAYER.ID.eq(id))
                        .execute();
                return cfg.dsl().fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id));
            }
        },
        /** {@code select .. for update nowait}, then the UPDATE. */
        NOWAIT {
            @Override
            int addOne(Configuration cfg, int id) {
                int points = cfg.dsl().select(PLAYER.NUM_POINTS).from(PLAYER).where(PLAYER.ID.eq(id)).forUpdate()
                        .noWait().fetchSingle().value1();
                cfg.dsl().update(PLAYER).set(PLAYER.NUM_POINTS, points + 1).where(PLAYER.ID.eq(id)).execute();
                return points + 1;
            }
        };

        /** Adds 1 to the player's points, failing with 55P03 while another transaction holds the row. */
        abstract int addOne(Configuration cfg, int id);
    }

    // ------------------------------------------------------------------------------------ 55P03 on request

    @ParameterizedTest
    @EnumSource(LockWait.class)
    void withHandleSqlStatesALockedRowIsRetriedAndTheUnitSucceedsOnceTheHolderCommits(LockWait wait) {
        Player player = new Player();
        player.lockedWith(20);
        List<RetryEvent> events = new ArrayList<>();
        List<Integer> attempts = new ArrayList<>();
        RetryPolicy retry = retryAtOnce().handleSqlStates("55P03").onRetry(event -> {
            events.add(event);
            player.unlocked(); // before the second attempt
        }).build();

        int written = retry.transactionResult(units.ctx(), cfg -> {
            attempts.add(attempts.size() + 1);
            return wait.addOne(cfg, player.id);
        });

        assertEquals(List.of(1, 2), attempts);
        assertEquals(1, events.size());
        DataAccessException cause = (DataAccessException) events.get(0).cause();
        assertEquals("55P03", cause.sqlState(), cause.getMessage());
        assertEquals(21, written, "the second attempt read the holder's committed 20");
        assertEquals(21, player.points());
    }

    @ParameterizedTest
    @EnumSource(LockWait.class)
    void withoutTheOptionTheCallerGetsTheLockFailureAfterOneAttempt(LockWait wait) {
        Player player = new Player();
        AtomicInteger attempts = new AtomicInteger();
        List<RetryEvent> events = new ArrayList<>();
        RetryPolicy retry = retryAtOnce().onRetry(events::add).withMaxAttempts(10).build();
        player.lockedWith(20);

        DataAccessException e = assertThrows(DataAccessException.class, () -> retry.transactionResult(units.ctx(),
                cfg -> {
                    attempts.incrementAndGet();
                    return wait.addOne(cfg, player.id);
                }));

        assertEquals("55P03", e.sqlState(), e.getMessage());
        assertEquals(1, attempts.get());
        assertEquals(List.of(), events);
        assertEquals(0, e.getSuppressed().length, "nothing says 'gave up': it never tried again");
        assertFalse(RetryPolicy.isRetryable(e));
        assertFalse(retry.retries(e));
        player.unlocked();
        assertEquals(20, player.points(), "the unit wrote nothing");
    }

    @Test
    void whileTheLockIsHeldTheRetriesRunOutWithTheLockFailure() {
        Player player = new Player();
        player.lockedWith(20);
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy retry = retryAtOnce().withMaxAttempts(3).handleSqlStates("55P03").build();

        DataAccessException e = assertThrows(DataAccessException.class,
                () -> retry.transactionResult(units.ctx(), cfg -> {
                    attempts.incrementAndGet();
                    return LockWait.NOWAIT.addOne(cfg, player.id);
                }));

        assertEquals("55P03", e.sqlState());
        assertEquals(3, attempts.get());
        assertTrue(retry.retries(e));
        assertEquals(List.of("occ RetryPolicy gave up after 3 attempts"),
                Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList());
    }

    // ------------------------------------------------------------------------------------ a listener that throws

    @Test
    void aListenerThatThrowsDoesNotEndTheRetries() {
        Player player = new Player();
        List<Integer> reads = new ArrayList<>();
        RetryPolicy retry = retryAtOnce().onRetry(event -> {
            throw new IllegalStateException("the listener's bug");
        }).build();

        int written = retry.transactionResult(units.ctx(), cfg -> {
            PlayerRecord read = cfg.dsl().fetchSingle(PLAYER, PLAYER.ID.eq(player.id));
            reads.add(read.getNumPoints());
            if (reads.size() == 1) {
                player.changedTo(20); // between the first attempt's read and its write
            }
            Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, read.getNumPoints() + 5)
                    .where(PLAYER.ID.eq(player.id)).lockingPolicy(optimistic(read)).execute();
            return read.getNumPoints() + 5;
        });

        assertEquals(List.of(10, 20), reads, "the conflict was retried despite the listener");
        assertEquals(25, written);
        assertEquals(25, player.points());
    }

    @Test
    void whenThePolicyGivesUpTheListenersExceptionsAreSuppressedInTheFailure() {
        Player player = new Player();
        TransactionalRunnable stale = player.staleWrite();
        List<RuntimeException> listenerFailures = new ArrayList<>();
        RetryPolicy retry = retryAtOnce().withMaxAttempts(3).onRetry(event -> {
            RuntimeException e = new IllegalStateException("listener failed on attempt " + event.attempt());
            listenerFailures.add(e);
            throw e;
        }).build();

        ConflictException e = assertThrows(ConflictException.class, () -> retry.transaction(units.ctx(), stale));

        assertEquals(3, e.attempts(), "the caller gets the conflict, after all the attempts");
        assertEquals(listenerFailures, Arrays.asList(e.getSuppressed()));
        assertEquals(11, player.points());
    }

    // ------------------------------------------------------------------------------------ classification

    private static ConflictException conflict() {
        return new ConflictException(ConflictException.Kind.VERSION_CHANGED, null, null, "id = 1", 1, 2, "conflict");
    }

    private static DataAccessException sqlState(String state) {
        return new DataAccessException("wrapped", new SQLException("from the driver", state));
    }

    @Test
    void theDefaultsRetryConflictsSerializationFailuresAndDeadlocksOnly() {
        RetryPolicy defaults = RetryPolicy.defaults();
        List<Throwable> retried = List.of(conflict(), new RuntimeException(conflict()), sqlState("40001"),
                sqlState("40P01"));
        List<Throwable> notRetried = List.of(sqlState("55P03"), sqlState("23514"), sqlState("57P01"),
                sqlState("08006"), new UncheckedIOException(new IOException("disk")), new IllegalStateException());

        retried.forEach(t -> assertTrue(defaults.retries(t) && RetryPolicy.isRetryable(t), String.valueOf(t)));
        notRetried.forEach(t -> assertFalse(defaults.retries(t) || RetryPolicy.isRetryable(t), String.valueOf(t)));
        assertFalse(defaults.retries(null));
    }

    @Test
    void theOptionsAddToTheDefaultsAndTheStaticIsRetryableKeepsTheDefaults() {
        RetryPolicy policy = RetryPolicy.builder().handleSqlStates("55P03", "57014").handle(IOException.class)
                .handleIf(t -> "mine".equals(t.getMessage())).build();

        assertTrue(policy.retries(sqlState("55P03")));
        assertTrue(policy.retries(sqlState("57014")));
        assertTrue(policy.retries(new UncheckedIOException(new IOException("disk"))));
        assertTrue(policy.retries(new IllegalStateException("mine")));
        assertTrue(policy.retries(conflict()), "the defaults stay");
        assertTrue(policy.retries(sqlState("40001")));
        assertFalse(policy.retries(sqlState("23514")));
        assertFalse(RetryPolicy.isRetryable(sqlState("55P03")), "isRetryable means the defaults");
    }

    @Test
    void abortWinsOverTheDefaultsAndOverHandle() {
        RetryPolicy noConflicts = RetryPolicy.builder().abortOn(ConflictException.class).build();
        RetryPolicy noDeadlocks = RetryPolicy.builder().handleSqlStates("55P03")
                .abortIf(t -> t instanceof DataAccessException d && !"40001".equals(d.sqlState())).build();

        assertFalse(noConflicts.retries(conflict()));
        assertFalse(noConflicts.retries(new RuntimeException(conflict())));
        assertTrue(noConflicts.retries(sqlState("40001")));
        assertFalse(noDeadlocks.retries(sqlState("40P01")));
        assertFalse(noDeadlocks.retries(sqlState("55P03")), "abort wins over handleSqlStates");
        assertTrue(noDeadlocks.retries(sqlState("40001")));
    }

    @Test
    void anAbortedFailureGoesToTheCallerAfterOneAttempt() {
        Player player = new Player();
        TransactionalRunnable stale = player.staleWrite();
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy retry = retryAtOnce().withMaxAttempts(10).abortOn(ConflictException.class).build();

        ConflictException e = assertThrows(ConflictException.class, () -> retry.transaction(units.ctx(), cfg -> {
            attempts.incrementAndGet();
            stale.run(cfg);
        }));

        assertEquals(1, attempts.get());
        assertEquals(1, e.attempts());
        assertEquals(0, e.getSuppressed().length);
    }

    // ------------------------------------------------------------------------------------ the builder

    @Test
    void aBuiltPolicyDoesNotChangeWhenItsBuilderHandlesMore() {
        RetryPolicy.Builder builder = RetryPolicy.builder();
        RetryPolicy built = builder.build();

        builder.handleSqlStates("55P03").abortOn(ConflictException.class);

        assertFalse(built.retries(sqlState("55P03")));
        assertTrue(built.retries(conflict()));
        assertTrue(builder.build().retries(sqlState("55P03")));
    }

    @Test
    void toStringSaysTheClassificationWhenItIsNotTheDefaults() {
        assertEquals("RetryPolicy[maxAttempts=5, backoff=5..250ms, jitter=0.5, maxDuration=2000ms, isolation=default,"
                        + " handle=[ConflictException, 40001, 40P01, 55P03], abortOn=[IOException]]",
                RetryPolicy.builder().handleSqlStates("55P03").abortOn(IOException.class).build().toString());
        assertEquals(RetryPolicy.defaults().toString(), RetryPolicy.builder().build().toString());
    }

    @Test
    void theClassificationOptionsRefuseBadArgumentsWithMessagesThatNameThem() {
        RetryPolicy.Builder b = RetryPolicy.builder();
        assertEquals("sqlStates cannot be null",
                assertThrows(NullPointerException.class, () -> b.handleSqlStates((String[]) null)).getMessage());
        assertEquals("sqlStates cannot be empty",
                assertThrows(IllegalArgumentException.class, () -> b.handleSqlStates()).getMessage());
        assertEquals("sqlStates[1] cannot be null",
                assertThrows(NullPointerException.class, () -> b.handleSqlStates("55P03", null)).getMessage());
        assertEquals("sqlStates[0] cannot be anything but 5 digits or upper-case letters, but is \"55P0\"",
                assertThrows(IllegalArgumentException.class, () -> b.handleSqlStates("55P0")).getMessage());
        assertEquals("sqlStates[1] cannot be anything but 5 digits or upper-case letters, but is \"55p03\"",
                assertThrows(IllegalArgumentException.class, () -> b.handleSqlStates("40001", "55p03")).getMessage());
        assertEquals("sqlStates[0] cannot be anything but 5 digits or upper-case letters, but is \"55P03 \"",
                assertThrows(IllegalArgumentException.class, () -> b.handleSqlStates("55P03 ")).getMessage());
        assertEquals("types cannot be null", assertThrows(NullPointerException.class,
                () -> b.handle((Class<? extends Throwable>[]) null)).getMessage());
        assertEquals("types cannot be empty",
                assertThrows(IllegalArgumentException.class, () -> b.abortOn()).getMessage());
        assertEquals("types[0] cannot be null", assertThrows(NullPointerException.class,
                () -> b.abortOn((Class<? extends Throwable>) null)).getMessage());
        assertEquals("predicate cannot be null",
                assertThrows(NullPointerException.class, () -> b.handleIf(null)).getMessage());
        assertEquals("predicate cannot be null",
                assertThrows(NullPointerException.class, () -> b.abortIf(null)).getMessage());
        RetryPolicy unchanged = b.build();
        assertFalse(unchanged.retries(sqlState("55P03")), "a refused call changes nothing");
        assertSame(b, b.handle(IOException.class), "the builder is returned for chaining");
    }
}
