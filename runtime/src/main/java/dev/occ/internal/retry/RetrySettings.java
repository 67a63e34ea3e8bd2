package dev.occ.internal.retry;

import dev.occ.RetryEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The settings of a retry loop, as {@link dev.occ.RetryPolicy.Builder#build()} copies them: an
 * immutable value. The builder checks them, with messages for its users; this record only refuses
 * a {@code null} where one is not allowed.
 *
 * @param maxAttempts the attempts, the first included; at least 1
 * @param backoff the waits between attempts
 * @param maxDuration no retry starts this much time or more after the first attempt began;
 *     {@code null} for no cap
 * @param classifier what is retried
 * @param listener called before each retry; {@code null} for none
 */
public record RetrySettings(int maxAttempts, Backoff backoff, Duration maxDuration, FailureClassifier classifier,
        Consumer<RetryEvent> listener) {

    /**
     * Checks that the backoff and the classifier are there.
     *
     * @param maxAttempts the attempts, the first included
     * @param backoff the waits between attempts
     * @param maxDuration the cap on the time, or {@code null}
     * @param classifier what is retried
     * @param listener the listener, or {@code null}
     * @throws NullPointerException when {@code backoff} or {@code classifier} is {@code null}
     */
    public RetrySettings {
        Objects.requireNonNull(backoff, "backoff cannot be null");
        Objects.requireNonNull(classifier, "classifier cannot be null");
    }
}
