package dev.occ.internal.retry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.RetryEvent;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RetryLoop} with a fake clock that moves only when the loop waits or an attempt says so: the
 * attempts, the time cap, interrupts, giving up and a listener that throws, without a database and
 * without sleeping.
 */
class RetryLoopTest {

    /** Retried by the classifier below. */
    static final class Retryable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Retryable(String message) {
            super(message);
        }
    }

    private static final FailureClassifier RETRYABLE = FailureClassifier.handling(List.of(Retryable.class), List.of());

    /** A clock moved by the waits and by {@link #advance(Duration)}; it records each wait. */
    static final class FakeTiming implements Timing {
        long now = 1_000_000_000L; // anything: only differences count
        double random = 0.5;
        final List<Duration> sleeps = new ArrayList<>();
        InterruptedException interruptSleep;

        void advance(Duration d) {
            now += d.toNanos();
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration wait) throws InterruptedException {
            sleeps.add(wait);
            if (interruptSleep != null) {
                throw interruptSleep;
            }
            advance(wait);
        }

        @Override
        public double random() {
            return random;
        }
    }

    /** Records what it is asked to log. */
    static final class RecordingLogger implements System.Logger {
        final List<Level> levels = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        final List<Throwable> thrown = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable t) {
            levels.add(level);
            messages.add(msg);
            thrown.add(t);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            log(level, bundle, format, (Throwable) null);
        }
    }

    private final FakeTiming timing = new FakeTiming();
    private final RecordingLogger logger = new RecordingLogger();
    private final List<RetryEvent> events = new ArrayList<>();
    /** The attempts the loop said it gave up after, one entry per give-up. */
    private final List<Integer> gaveUpAfter = new ArrayList<>();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted(); // whatever a test left, the next one starts uninterrupted
    }

    private RetryLoop loop(int maxAttempts, Duration delay, Duration maxDuration, FailureClassifier classifier,
            Consumer<RetryEvent> listener) {
        return loop(maxAttempts, new Backoff(delay, Duration.ofSeconds(10), 0), maxDuration, classifier, listener);
    }

    /** A loop that waits {@code wait} before each retry, no more and no less. */
    private RetryLoop fixed(int maxAttempts, Duration wait, Duration maxDuration) {
        return loop(maxAttempts, new Backoff(wait, wait, 0), maxDuration, RETRYABLE, events::add);
    }

    private RetryLoop loop(int maxAttempts, Backoff backoff, Duration maxDuration, FailureClassifier classifier,
            Consumer<RetryEvent> listener) {
        RetrySettings settings = new RetrySettings(maxAttempts, backoff, maxDuration, classifier, listener);
        return new RetryLoop(settings, (last, attempts) -> {
            gaveUpAfter.add(attempts);
            last.addSuppressed(new IllegalStateException("gave up after " + attempts));
            return last;
        }, timing, logger);
    }

    private RetryLoop loop(int maxAttempts, Duration delay, Duration maxDuration) {
        return loop(maxAttempts, delay, maxDuration, RETRYABLE, events::add);
    }

    /** An attempt that fails {@code failures} times with a new {@link Retryable}, then returns its count. */
    private static Supplier<Integer> failing(int failures, AtomicInteger attempts, List<RuntimeException> thrown) {
        return () -> {
            int n = attempts.incrementAndGet();
            if (n <= failures) {
                RuntimeException e = new Retryable("attempt " + n);
                thrown.add(e);
                throw e;
            }
            return n;
        };
    }

    /** A listener that throws a new exception each time, and keeps it in {@code thrown}. */
    private static Consumer<RetryEvent> throwing(List<RuntimeException> thrown) {
        return event -> {
            RuntimeException e = new IllegalStateException("listener broke on " + event.attempt());
            thrown.add(e);
            throw e;
        };
    }

    private static List<String> messages(Throwable[] suppressed) {
        return Arrays.stream(suppressed).map(Throwable::getMessage).toList();
    }

    @Test
    void aRetryableFailureIsRetriedWithDoublingWaitsUntilAnAttemptSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        List<RuntimeException> thrown = new ArrayList<>();

        int result = loop(5, Duration.ofMillis(10), null).run(failing(2, attempts, thrown));

        assertEquals(3, result);
        assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20)), timing.sleeps);
        assertEquals(List.of(1, 2), events.stream().map(RetryEvent::attempt).toList());
        assertSame(thrown.get(0), events.get(0).cause());
        assertEquals(Duration.ofMillis(20), events.get(1).delay(), "the listener is told the wait to come");
        assertEquals(List.of(), gaveUpAfter);
    }

    @Test
    void aFailureThatIsNotRetriedGoesOutAtOnceUnmarked() {
        IllegalArgumentException mine = new IllegalArgumentException("mine");
        AtomicInteger attempts = new AtomicInteger();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loop(5, Duration.ofMillis(10), null).run(() -> {
                    attempts.incrementAndGet();
                    throw mine;
                }));

        assertSame(mine, e);
        assertEquals(1, attempts.get());
        assertEquals(0, e.getSuppressed().length);
        assertEquals(List.of(), timing.sleeps);
        assertEquals(List.of(), gaveUpAfter);
    }

    @Test
    void anErrorIsNotCaught() {
        AtomicInteger attempts = new AtomicInteger();
        RetryLoop everything = loop(5, Duration.ZERO, null, RETRYABLE.handleIf(t -> true), events::add);

        assertThrows(StackOverflowError.class, () -> everything.run(() -> {
            attempts.incrementAndGet();
            throw new StackOverflowError();
        }));
        assertEquals(1, attempts.get());
    }

    @Test
    void whenTheAttemptsRunOutTheLastFailureIsGivenUpOn() {
        AtomicInteger attempts = new AtomicInteger();
        List<RuntimeException> thrown = new ArrayList<>();

        Retryable e = assertThrows(Retryable.class,
                () -> loop(3, Duration.ofMillis(1), null).run(failing(100, attempts, thrown)));

        assertSame(thrown.get(2), e, "the last failure, not the first");
        assertEquals(3, attempts.get());
        assertEquals(List.of(3), gaveUpAfter);
        assertEquals(List.of("gave up after 3"), messages(e.getSuppressed()));
        assertEquals(2, timing.sleeps.size(), "no wait after the last attempt");
    }

    @Test
    void oneAttemptMeansNoRetry() {
        AtomicInteger attempts = new AtomicInteger();

        assertThrows(Retryable.class, () -> loop(1, Duration.ofMillis(1), null)
                .run(failing(100, attempts, new ArrayList<>())));

        assertEquals(1, attempts.get());
        assertEquals(List.of(1), gaveUpAfter);
        assertEquals(List.of(), events);
    }

    @Test
    void noRetryStartsAtOrAfterMaxDuration() {
        AtomicInteger attempts = new AtomicInteger();

        // attempts start at 0, 100 and 200 ms; a fourth would start at 300 ms, the cap itself
        assertThrows(Retryable.class, () -> fixed(1000, Duration.ofMillis(100), Duration.ofMillis(300))
                .run(failing(1000, attempts, new ArrayList<>())));

        assertEquals(3, attempts.get());
        assertEquals(List.of(3), gaveUpAfter);
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(100)), timing.sleeps);
    }

    @Test
    void theTimeTheAttemptsTakeCountsTowardsMaxDuration() {
        AtomicInteger attempts = new AtomicInteger();
        Supplier<Integer> slow = () -> {
            attempts.incrementAndGet();
            timing.advance(Duration.ofMillis(50));
            throw new Retryable("slow");
        };

        // attempts start at 0, 150 and 300 ms; the next would start at 450 ms, past 400 ms
        assertThrows(Retryable.class, () -> fixed(1000, Duration.ofMillis(100), Duration.ofMillis(400)).run(slow));

        assertEquals(3, attempts.get());
        assertEquals(List.of(3), gaveUpAfter);
    }

    @Test
    void anInterruptedThreadStartsNoFurtherAttemptAndStaysInterrupted() {
        AtomicInteger attempts = new AtomicInteger();

        Retryable e = assertThrows(Retryable.class, () -> loop(100, Duration.ofSeconds(5), null).run(() -> {
            attempts.incrementAndGet();
            Thread.currentThread().interrupt();
            throw new Retryable("cancelled");
        }));

        assertTrue(Thread.interrupted(), "the interrupt status was kept");
        assertEquals(1, attempts.get());
        assertEquals(List.of(), timing.sleeps, "it did not wait");
        assertEquals(List.of(), events, "the listener is not told of a retry that does not come");
        assertEquals(List.of(1), gaveUpAfter);
        assertInstanceOf(InterruptedException.class, e.getSuppressed()[0]);
        assertEquals("interrupted after attempt 1; no further attempt started", e.getSuppressed()[0].getMessage());
        assertEquals("gave up after 1", e.getSuppressed()[1].getMessage(), "the interrupt, then the give-up");
    }

    @Test
    void anInterruptDuringTheWaitEndsTheRetriesAndIsKept() {
        AtomicInteger attempts = new AtomicInteger();
        timing.interruptSleep = new InterruptedException("sleep interrupted");

        Retryable e = assertThrows(Retryable.class,
                () -> loop(100, Duration.ofSeconds(5), null).run(failing(100, attempts, new ArrayList<>())));

        assertTrue(Thread.interrupted(), "the interrupt status was set again");
        assertEquals(1, attempts.get());
        assertEquals(List.of(Duration.ofSeconds(5)), timing.sleeps);
        assertEquals(1, events.size(), "the listener was told before the wait");
        assertSame(timing.interruptSleep, e.getSuppressed()[0]);
        assertEquals(List.of(1), gaveUpAfter);
    }

    @Test
    void aListenerThatThrowsIsLoggedOnceEachTimeAndTheRetriesGoOn() {
        AtomicInteger attempts = new AtomicInteger();
        List<RuntimeException> listenerFailures = new ArrayList<>();
        RetryLoop loop = loop(5, Duration.ZERO, null, RETRYABLE, throwing(listenerFailures));

        int result = loop.run(failing(2, attempts, new ArrayList<>()));

        assertEquals(3, result, "the third attempt ran and succeeded");
        assertEquals(List.of(Level.WARNING, Level.WARNING), logger.levels);
        assertEquals(listenerFailures, logger.thrown);
        assertEquals("occ RetryPolicy: the onRetry listener threw after attempt 2 failed; the retries go on",
                logger.messages.get(1));
    }

    @Test
    void whenTheRetriesRunOutTheListenersExceptionsComeWithTheFailure() {
        List<RuntimeException> listenerFailures = new ArrayList<>();
        RetryLoop loop = loop(3, Duration.ZERO, null, RETRYABLE, throwing(listenerFailures));
        AtomicInteger attempts = new AtomicInteger();

        Retryable e = assertThrows(Retryable.class, () -> loop.run(failing(100, attempts, new ArrayList<>())));

        assertEquals(3, attempts.get(), "the listener did not stop the retries");
        assertEquals(List.of("gave up after 3", "listener broke on 1", "listener broke on 2"),
                messages(e.getSuppressed()));
        assertSame(listenerFailures.get(1), e.getSuppressed()[2]);
        assertEquals(2, logger.thrown.size());
    }

    @Test
    void aFailureThatIsNotRetriedAlsoCarriesTheListenersExceptions() {
        AtomicInteger attempts = new AtomicInteger();
        IllegalStateException broken = new IllegalStateException("listener broke");
        IllegalArgumentException notRetried = new IllegalArgumentException("second attempt: not retried");
        RetryLoop loop = loop(5, Duration.ZERO, null, RETRYABLE, event -> {
            throw broken;
        });

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.run(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new Retryable("first");
            }
            throw notRetried;
        }));

        assertSame(notRetried, e);
        assertArrayEquals(new Throwable[] {broken}, e.getSuppressed());
        assertEquals(List.of(), gaveUpAfter);
    }

    @Test
    void aListenerThatRethrowsTheFailureItselfDoesNotBreakTheGivingUp() {
        Retryable shared = new Retryable("the same each time");
        AtomicInteger attempts = new AtomicInteger();
        RetryLoop loop = loop(2, Duration.ZERO, null, RETRYABLE, event -> {
            throw (RuntimeException) event.cause();
        });

        Retryable e = assertThrows(Retryable.class, () -> loop.run(() -> {
            attempts.incrementAndGet();
            throw shared;
        }));

        assertSame(shared, e);
        assertEquals(2, attempts.get());
        assertEquals(List.of("gave up after 2"), messages(e.getSuppressed()), "not suppressed in itself");
        assertSame(shared, logger.thrown.get(0), "but logged");
    }

    @Test
    void aPredicateThatThrowsReachesTheCallerWithTheFailureInIt() {
        IllegalStateException broken = new IllegalStateException("predicate broke");
        Retryable failure = new Retryable("attempt 1");
        RetryLoop loop = loop(5, Duration.ZERO, null, RETRYABLE.abortIf(t -> {
            throw broken;
        }), events::add);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.run(() -> {
            throw failure;
        }));

        assertSame(broken, e);
        assertArrayEquals(new Throwable[] {failure}, e.getSuppressed());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void theJitterTakesItsRandomValueFromTheTiming() {
        timing.random = 0;
        RetrySettings settings = new RetrySettings(2, new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), 1),
                null, RETRYABLE, null);
        RetryLoop loop = new RetryLoop(settings, (last, attempts) -> last, timing, logger);

        assertThrows(Retryable.class, () -> loop.run(failing(100, new AtomicInteger(), new ArrayList<>())));

        assertEquals(List.of(Duration.ZERO), timing.sleeps);
        assertEquals(List.of(), logger.levels, "no listener, nothing logged");
    }

    @Test
    void nullsAreRefusedWithTheirNames() {
        RetryLoop loop = loop(1, Duration.ZERO, null);
        assertEquals("attempt cannot be null",
                assertThrows(NullPointerException.class, () -> loop.run(null)).getMessage());
        assertEquals("timing cannot be null", assertThrows(NullPointerException.class,
                () -> new RetryLoop(loop.settings(), (l, a) -> l, null, logger)).getMessage());
        assertEquals("backoff cannot be null", assertThrows(NullPointerException.class,
                () -> new RetrySettings(1, null, null, RETRYABLE, null)).getMessage());
    }
}
