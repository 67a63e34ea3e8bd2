package dev.occ.internal.retry;

import dev.occ.RetryEvent;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs an attempt again after each failure its {@link FailureClassifier} retries, until one
 * succeeds, a failure is not retried, the attempts or the time run out, or the thread is
 * interrupted. It is what {@link dev.occ.RetryPolicy#transactionResult} does around each
 * transaction, with the clock, the sleeping and the random values taken from a {@link Timing}.
 *
 * <p>In order, after attempt {@code n} failed:
 * <ol>
 * <li>a failure that is not retried goes to the caller as it is;
 * <li>the wait is {@linkplain Backoff#delayAfter(int, double) computed}; when {@code n} is the last
 *     attempt, or the next one would start at or after {@code maxDuration}, the loop
 *     {@linkplain Exhaustion gives up};
 * <li>when the thread is interrupted, an {@link InterruptedException} is added to the failure as a
 *     suppressed exception and the loop gives up;
 * <li>the listener is called; when it throws, the exception is logged at {@link Level#WARNING} and
 *     kept, and the retries go on;
 * <li>the thread waits; when the wait is interrupted, the thread's interrupt status is set again,
 *     the {@link InterruptedException} is added to the failure and the loop gives up.
 * </ol>
 * The failure the caller finally gets, given up on or not retried, carries the listener's kept
 * exceptions as suppressed exceptions, after any other.
 *
 * <p>Immutable and thread-safe when its collaborators are; each {@link #run(Supplier)} keeps its
 * own state.
 */
public final class RetryLoop {

    /**
     * Turns the last failure into what the caller gets when the loop gives up: the policy's API
     * says how the number of attempts is told.
     */
    @FunctionalInterface
    public interface Exhaustion {
        /**
         * Marks {@code last} as given up on.
         *
         * @param last the last attempt's failure
         * @param attempts the attempts made, the last included
         * @return the exception to throw, usually {@code last} itself
         */
        RuntimeException gaveUp(RuntimeException last, int attempts);
    }

    private final RetrySettings settings;
    private final Exhaustion exhaustion;
    private final Timing timing;
    private final Logger logger;

    /**
     * A loop with these settings and collaborators.
     *
     * @param settings the settings
     * @param exhaustion what the caller gets when the loop gives up
     * @param timing the clock, the sleeping and the random values
     * @param logger where a listener's exception is reported
     * @throws NullPointerException when an argument is {@code null}
     */
    public RetryLoop(RetrySettings settings, Exhaustion exhaustion, Timing timing, Logger logger) {
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.exhaustion = Objects.requireNonNull(exhaustion, "exhaustion cannot be null");
        this.timing = Objects.requireNonNull(timing, "timing cannot be null");
        this.logger = Objects.requireNonNull(logger, "logger cannot be null");
    }

    /** @return the settings */
    public RetrySettings settings() {
        return settings;
    }

    /**
     * Runs {@code attempt}, again after each failure that is retried, as the class comment says.
     *
     * @param <T> the result type
     * @param attempt one attempt; only a {@link RuntimeException} it throws is considered for a
     *     retry, an {@link Error} goes to the caller at once
     * @return the result of the first attempt that succeeds
     * @throws NullPointerException when {@code attempt} is {@code null}
     * @throws RuntimeException the failure that ended the retries
     */
    public <T> T run(Supplier<? extends T> attempt) {
        Objects.requireNonNull(attempt, "attempt cannot be null");
        long started = timing.nanoTime();
        List<Exception> listenerFailures = new ArrayList<>(0);
        for (int n = 1; ; n++) {
            RuntimeException failure;
            try {
                return attempt.get();
            } catch (RuntimeException e) {
                failure = e;
            }
            if (!retries(failure)) {
                throw withSuppressed(failure, listenerFailures);
            }
            Duration wait = settings.backoff().delayAfter(n, timing.random());
            if (n >= settings.maxAttempts() || !timeLeft(started, wait)) {
                throw gaveUp(failure, n, listenerFailures);
            }
            if (Thread.currentThread().isInterrupted()) {
                failure.addSuppressed(new InterruptedException("interrupted after attempt " + n
                        + "; no further attempt started"));
                throw gaveUp(failure, n, listenerFailures);
            }
            notifyListener(new RetryEvent(n, failure, wait), listenerFailures);
            try {
                timing.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.addSuppressed(e);
                throw gaveUp(failure, n, listenerFailures);
            }
        }
    }

    /** The classification; a predicate that throws ends the loop with its exception, the failure suppressed in it. */
    private boolean retries(RuntimeException failure) {
        try {
            return settings.classifier().retries(failure);
        } catch (RuntimeException predicateFailed) {
            if (predicateFailed != failure) {
                predicateFailed.addSuppressed(failure);
            }
            throw predicateFailed;
        }
    }

    private boolean timeLeft(long started, Duration wait) {
        Duration maxDuration = settings.maxDuration();
        return maxDuration == null
                || Duration.ofNanos(timing.nanoTime() - started).plus(wait).compareTo(maxDuration) < 0;
    }

    private void notifyListener(RetryEvent event, List<Exception> listenerFailures) {
        if (settings.listener() == null) {
            return;
        }
        try {
            settings.listener().accept(event);
        } catch (Exception e) { // a RuntimeException, or a checked one thrown sneakily
            listenerFailures.add(e);
            logger.log(Level.WARNING, () -> "occ RetryPolicy: the onRetry listener threw after attempt "
                    + event.attempt() + " failed; the retries go on", e);
        }
    }

    private RuntimeException gaveUp(RuntimeException failure, int attempts, List<Exception> listenerFailures) {
        return withSuppressed(exhaustion.gaveUp(failure, attempts), listenerFailures);
    }

    private static RuntimeException withSuppressed(RuntimeException failure, List<Exception> listenerFailures) {
        for (Exception e : listenerFailures) {
            if (e != failure) { // a listener may throw the event's cause itself
                failure.addSuppressed(e);
            }
        }
        return failure;
    }

    @Override
    public String toString() {
        return "RetryLoop[" + settings + "]";
    }
}
