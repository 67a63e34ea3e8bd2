package dev.occ.internal.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FailureClassifier}: what is handled, what aborts, and how the chain of causes and next
 * exceptions is walked. {@link IllegalStateException} stands for occ's conflict here, whose
 * constructor this package cannot call; {@code RetryPolicyOptionsTest} checks the real defaults.
 */
class FailureClassifierTest {

    /** Like {@code RetryPolicy}'s defaults: one type and the two transaction rollback SQLSTATEs. */
    private static final FailureClassifier DEFAULTS =
            FailureClassifier.handling(List.of(IllegalStateException.class), List.of("40001", "40P01"));

    private static RuntimeException wrapped(Throwable cause) {
        return new RuntimeException("jOOQ's wrapper", new RuntimeException("another", cause));
    }

    @Test
    void theHandledTypeAndSqlStatesAreRetriedAnywhereInTheCausesAndNothingElse() {
        assertTrue(DEFAULTS.retries(new IllegalStateException("conflict")));
        assertTrue(DEFAULTS.retries(wrapped(new IllegalStateException("conflict"))));
        assertTrue(DEFAULTS.retries(wrapped(new SQLException("could not serialize access", "40001"))));
        assertTrue(DEFAULTS.retries(wrapped(new SQLException("deadlock detected", "40P01"))));
        assertFalse(DEFAULTS.retries(wrapped(new SQLException("lock not available", "55P03"))));
        assertFalse(DEFAULTS.retries(wrapped(new SQLException("check violation", "23514"))));
        assertFalse(DEFAULTS.retries(wrapped(new SQLException("no state", (String) null))));
        assertFalse(DEFAULTS.retries(new RuntimeException("mine")));
        assertFalse(DEFAULTS.retries(null));
    }

    @Test
    void aSqlStateIsFoundInTheNextExceptionsOfABatchAndInTheirCauses() {
        SQLException batch = new SQLException("batch entry 0 failed", "42000");
        SQLException second = new SQLException("entry 1", "22000");
        batch.setNextException(second);
        batch.setNextException(new SQLException("entry 2", "40P01")); // appended after second
        SQLException viaCause = new SQLException("batch", "42000");
        SQLException next = new SQLException("entry 0", "42000", new SQLException("server", "40001"));
        viaCause.setNextException(next);

        assertTrue(DEFAULTS.retries(wrapped(batch)));
        assertTrue(DEFAULTS.retries(wrapped(viaCause)));
        assertEquals(List.of(batch, second, batch.getNextException().getNextException()),
                FailureClassifier.chain(batch));
    }

    @Test
    void handleSqlStatesAddsToTheDefaultsWithoutChangingThem() {
        RuntimeException lockNotAvailable = wrapped(new SQLException("lock not available", "55P03"));

        FailureClassifier pessimistic = DEFAULTS.handleSqlStates(List.of("55P03"));

        assertTrue(pessimistic.retries(lockNotAvailable));
        assertTrue(pessimistic.retries(wrapped(new SQLException("x", "40001"))), "the defaults stay");
        assertFalse(DEFAULTS.retries(lockNotAvailable), "a new classifier; the old one is unchanged");
        assertEquals(List.of("40001", "40P01", "55P03"),
                pessimistic.handleSqlStates(List.of("55P03", "40001")).handledSqlStates(), "each once, in order");
    }

    @Test
    void handleAddsTypesAndTheirSubtypesFoundAnywhereInTheChain() {
        RuntimeException io = new UncheckedIOException(new FileNotFoundException("gone"));
        FailureClassifier withIo = DEFAULTS.handle(List.of(IOException.class));

        assertFalse(DEFAULTS.retries(io));
        assertTrue(withIo.retries(io), "FileNotFoundException is an IOException, two levels down");
        assertTrue(withIo.retries(new IllegalStateException("conflict")), "the defaults stay");
    }

    @Test
    void aHandlePredicateSeesTheFailureAsThrown() {
        List<Throwable> seen = new ArrayList<>();
        RuntimeException thrown = wrapped(new IOException("disk"));
        FailureClassifier byMessage = DEFAULTS.handleIf(e -> {
            seen.add(e);
            return "jOOQ's wrapper".equals(e.getMessage());
        });

        assertTrue(byMessage.retries(thrown));
        assertEquals(1, seen.size());
        assertSame(thrown, seen.get(0), "the failure itself, not one of its causes");
        assertFalse(byMessage.retries(new RuntimeException("other")));
    }

    @Test
    void abortWinsOverHandleWhereverTheAbortingTypeIs() {
        RuntimeException serialization = new RuntimeException(new SQLException("x", "40001"));
        RuntimeException lostWhileSerializing = new RuntimeException(
                new SQLTransientConnectionException("connection lost", "08006", new SQLException("x", "40001")));

        FailureClassifier aborting = DEFAULTS.abortOn(List.of(SQLTransientConnectionException.class));

        assertTrue(aborting.retries(serialization));
        assertFalse(aborting.retries(lostWhileSerializing), "the 40001 below the aborting type is not enough");
        assertFalse(DEFAULTS.abortOn(List.of(IllegalStateException.class)).retries(new IllegalStateException()),
                "abort wins over a default handle");
        assertFalse(DEFAULTS.handle(List.of(IOException.class)).abortOn(List.of(FileNotFoundException.class))
                .retries(new UncheckedIOException(new FileNotFoundException())), "abort wins over an added handle");
    }

    @Test
    void anAbortPredicateWinsOverEveryHandle() {
        FailureClassifier classifier = DEFAULTS.handleIf(e -> true).abortIf(e -> e.getMessage().startsWith("stop"));

        assertTrue(classifier.retries(new RuntimeException("go on")));
        assertFalse(classifier.retries(new IllegalStateException("stop: the handled type")));
        assertFalse(classifier.retries(new RuntimeException("stop", new SQLException("x", "40P01"))));
    }

    @Test
    void aCycleOfCausesEndsTheWalk() {
        RuntimeException outer = new RuntimeException("outer");
        RuntimeException inner = new RuntimeException("inner", outer);
        outer.initCause(inner);
        RuntimeException retryableInCycle = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", new SQLException("x", "40001", retryableInCycle));
        retryableInCycle.initCause(b);
        SQLException first = new SQLException("first", "42000");
        SQLException second = new SQLException("second", "42000");
        first.setNextException(second);
        second.initCause(first); // back through the cause of a next exception

        assertFalse(DEFAULTS.retries(outer));
        assertEquals(List.of(outer, inner), FailureClassifier.chain(outer), "each once");
        assertTrue(DEFAULTS.retries(retryableInCycle));
        assertFalse(DEFAULTS.retries(first));
        assertEquals(List.of(first, second), FailureClassifier.chain(first));
        assertEquals(List.of(), FailureClassifier.chain(null));
    }

    @Test
    void itSaysWhatItHandlesAndWhatAborts() {
        assertEquals("handle=[IllegalStateException, 40001, 40P01]", DEFAULTS.toString());
        assertEquals("handle=[IllegalStateException, IOException, 40001, 40P01, 55P03, 2 predicates], "
                        + "abortOn=[FileNotFoundException, 1 predicate]",
                DEFAULTS.handle(List.of(IOException.class)).handleSqlStates(List.of("55P03")).handleIf(e -> true)
                        .handleIf(e -> false).abortOn(List.of(FileNotFoundException.class)).abortIf(e -> false)
                        .toString());
    }
}
