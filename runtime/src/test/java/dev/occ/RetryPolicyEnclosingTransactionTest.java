package dev.occ;

import static dev.occ.test.db.Tables.PLAYER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.TransactionalCallable;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RetryPolicy} on a context that is already in a transaction (refused before the unit runs,
 * with occ's message, and the enclosing transaction left as it was), on one that is not (a
 * connection with auto-commit off on which nothing ran yet), and a unit's checked exception, which
 * reaches the caller exactly as through jOOQ's own {@code transactionResult}.
 */
class RetryPolicyEnclosingTransactionTest {

    @RegisterExtension
    static final RaceExtension race = RaceExtension.withMainSession("occ-enclosing-main");
    static final DSLContext ctx = race.ctx();

    private static int player(int points) {
        return PointsGame.create(ctx, 1, points).players.get(0);
    }

    private static int points(DSLContext on, int id) {
        return on.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id));
    }

    private static String isolation(DSLContext tx) {
        return tx.fetchValue(DSL.field("current_setting('transaction_isolation')", String.class));
    }

    private static final RetryPolicy SERIALIZABLE = RetryPolicy.builder()
            .withIsolation(RetryPolicy.Isolation.SERIALIZABLE).withBackoff(Duration.ZERO, Duration.ZERO).build();
    private static final RetryPolicy PLAIN = RetryPolicy.builder().withBackoff(Duration.ZERO, Duration.ZERO).build();

    // ------------------------------------------------------------------------ inside a jOOQ transaction

    /** Before: PostgreSQL's "SET TRANSACTION ISOLATION LEVEL must be called before any query", from a savepoint. */
    @Test
    void withIsolationInsideAJooqTransactionIsRefusedBeforeTheUnitRuns() {
        int id = player(10);
        AtomicInteger ran = new AtomicInteger();

        IllegalStateException e = ctx.transactionResult(cfg -> {
            cfg.dsl().update(PLAYER).set(PLAYER.NUM_POINTS, 11).where(PLAYER.ID.eq(id)).execute();
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> SERIALIZABLE.transaction(cfg.dsl(), inner -> ran.incrementAndGet()));
            cfg.dsl().update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(1)).where(PLAYER.ID.eq(id))
                    .execute(); // the enclosing transaction is not aborted
            return refused;
        });

        assertEquals(0, ran.get(), "the unit did not run");
        assertTrue(e.getMessage().startsWith("RetryPolicy with isolation SERIALIZABLE was called inside a jOOQ "
                + "transaction"), e.getMessage());
        assertTrue(e.getMessage().contains("PostgreSQL refuses SET TRANSACTION ISOLATION LEVEL after any query"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Call the policy outside any transaction"), e.getMessage());
        assertEquals(12, points(ctx, id), "the enclosing transaction's work before and after the refusal committed");
    }

    /** Nothing ran in the transaction yet: jOOQ's own sign still tells. */
    @Test
    void withIsolationAsTheFirstThingOfAJooqTransactionIsRefusedToo() {
        IllegalStateException e = ctx.transactionResult(cfg -> assertThrows(IllegalStateException.class,
                () -> SERIALIZABLE.transactionResult(cfg.dsl(), inner -> isolation(inner.dsl()))));
        assertTrue(e.getMessage().startsWith("RetryPolicy with isolation SERIALIZABLE was called inside a jOOQ"),
                e.getMessage());
    }

    /** Before: each attempt ran in a savepoint of the enclosing transaction, and its conflict was "retried" there. */
    @Test
    void withoutIsolationInsideAJooqTransactionIsRefusedAsWell() {
        AtomicInteger ran = new AtomicInteger();
        IllegalStateException e = ctx.transactionResult(cfg -> assertThrows(IllegalStateException.class,
                () -> PLAIN.transactionResult(cfg.dsl(), inner -> ran.incrementAndGet())));

        assertEquals(0, ran.get());
        assertTrue(e.getMessage().startsWith("RetryPolicy was called inside a jOOQ transaction"), e.getMessage());
        assertTrue(e.getMessage().contains("inside another transaction an attempt would only be a savepoint"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Call the policy outside any transaction"), e.getMessage());
        // the same policy outside: it runs
        assertEquals(Integer.valueOf(1), PLAIN.transactionResult(ctx, inner -> ran.incrementAndGet()));
    }

    // ------------------------------------------------------------------------ a transaction of the connection

    /** Before: jOOQ ran the attempt in the open transaction and committed it, the caller's own work with it. */
    @Test
    void aConnectionWithATransactionOpenIsRefusedAndItsWorkIsKept() throws Exception {
        int id = player(10);
        try (Race.Session session = race.session("occ-enclosing-manual")) {
            DSLContext manual = session.ctx();
            manual.connection(c -> c.setAutoCommit(false));
            try {
                manual.update(PLAYER).set(PLAYER.NUM_POINTS, 20).where(PLAYER.ID.eq(id)).execute(); // not committed
                AtomicInteger ran = new AtomicInteger();

                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> PLAIN.transaction(manual, cfg -> ran.incrementAndGet()));

                assertEquals(0, ran.get());
                assertTrue(e.getMessage().startsWith("RetryPolicy was called inside a transaction open on its "
                        + "connection (PostgreSQL driver transaction state OPEN)"), e.getMessage());
                assertEquals(10, points(ctx, id), "nothing was committed for the caller");
                assertEquals(20, points(manual, id), "nor rolled back: the caller's transaction is intact");
                manual.connection(c -> c.rollback());
                assertEquals(10, points(manual, id));
            } finally {
                manual.connection(c -> c.setAutoCommit(true));
            }
        }
    }

    /** Auto-commit off is no transaction yet: jOOQ runs a top-level one, and the policy lets it. */
    @Test
    void aConnectionWithAutoCommitOffOnWhichNothingRanIsFine() {
        try (Race.Session session = race.session("occ-enclosing-autocommit-off")) {
            DSLContext manual = session.ctx();
            manual.connection(c -> c.setAutoCommit(false));
            try {
                assertEquals("serializable", SERIALIZABLE.transactionResult(manual, cfg -> isolation(cfg.dsl())));
                manual.connection(c -> c.commit());
                assertEquals("serializable", SERIALIZABLE.transactionResult(manual, cfg -> isolation(cfg.dsl())),
                        "again after a commit");
            } finally {
                manual.connection(c -> c.setAutoCommit(true));
            }
        }
    }

    // ------------------------------------------------------------------------ checked exceptions

    @Test
    void aCheckedExceptionOfTheUnitReachesTheCallerAsThroughJooqsTransactionResult() {
        IOException mine = new IOException("the unit's own checked exception");
        AtomicInteger attempts = new AtomicInteger();
        TransactionalCallable<Integer> unit = cfg -> {
            attempts.incrementAndGet();
            cfg.dsl().fetchValue(DSL.inline(1));
            throw mine;
        };

        DataAccessException direct = assertThrows(DataAccessException.class, () -> ctx.transactionResult(unit));
        DataAccessException retried = assertThrows(DataAccessException.class, () -> PLAIN.transactionResult(ctx, unit));
        DataAccessException isolated = assertThrows(DataAccessException.class,
                () -> SERIALIZABLE.transactionResult(ctx, unit));

        assertEquals(3, attempts.get(), "not retried by default: one attempt each");
        for (DataAccessException e : new DataAccessException[] { retried, isolated }) {
            assertSame(direct.getClass(), e.getClass());
            assertEquals(direct.getMessage(), e.getMessage());
            assertSame(mine, e.getCause());
            assertEquals(Arrays.toString(direct.getSuppressed()), Arrays.toString(e.getSuppressed()));
        }
        assertEquals("Rollback caused", direct.getMessage());
        assertSame(mine, direct.getCause());
    }

    @Test
    void aHandledCheckedExceptionIsRetriedAndThenDeliveredTheSameWay() {
        IOException mine = new IOException("always");
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy retry = RetryPolicy.builder().withMaxAttempts(3).withBackoff(Duration.ZERO, Duration.ZERO)
                .handle(IOException.class).build();

        DataAccessException e = assertThrows(DataAccessException.class, () -> retry.transaction(ctx, cfg -> {
            attempts.incrementAndGet();
            throw mine;
        }));

        assertEquals(3, attempts.get());
        assertEquals("Rollback caused", e.getMessage());
        assertSame(mine, e.getCause());
        assertEquals("occ RetryPolicy gave up after 3 attempts", e.getSuppressed()[0].getMessage());
    }
}
