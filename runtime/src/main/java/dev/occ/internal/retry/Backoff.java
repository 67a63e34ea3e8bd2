package dev.occ.internal.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with jitter, as pure arithmetic: the wait after attempt {@code n} is
 * {@code delay * 2^(n-1)}, at most {@code maxDelay}, then spread by up to {@code jitter} of itself
 * either way by a random value the caller draws, and again at most {@code maxDelay}. No clock, no
 * sleeping and no random source inside, so the same inputs give the same wait.
 *
 * <p>The settings are checked by {@link dev.occ.RetryPolicy.Builder}, with messages for its
 * users; this record only refuses {@code null}.
 *
 * @param delay the wait after the first attempt, before the jitter; zero or more
 * @param maxDelay the longest wait, at least {@code delay}
 * @param jitter the fraction, from 0 to 1, by which a wait is spread either way
 */
public record Backoff(Duration delay, Duration maxDelay, double jitter) {

    /**
     * Checks that neither duration is {@code null}.
     *
     * @param delay the wait after the first attempt, before the jitter
     * @param maxDelay the longest wait
     * @param jitter the spread, from 0 to 1
     * @throws NullPointerException when a duration is {@code null}
     */
    public Backoff {
        Objects.requireNonNull(delay, "delay cannot be null");
        Objects.requireNonNull(maxDelay, "maxDelay cannot be null");
    }

    /**
     * The wait after attempt {@code attempt} failed, before the next one starts.
     *
     * @param attempt the attempt that failed, from 1; any larger number, up to
     *     {@link Integer#MAX_VALUE}, gives {@code maxDelay} before the jitter, without overflow
     * @param random a value in [0, 1): 0 gives the shortest wait the jitter allows, 0.5 the
     *     unspread one, values near 1 the longest
     * @return the wait, from zero to {@code maxDelay}
     * @throws IllegalArgumentException when {@code attempt} is less than 1 or {@code random} is
     *     outside [0, 1)
     */
    public Duration delayAfter(int attempt, double random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt cannot be less than 1, but is " + attempt);
        }
        if (!(random >= 0 && random < 1)) {
            throw new IllegalArgumentException("random cannot be outside [0, 1), but is " + random);
        }
        double longest = maxDelay.toNanos();
        // delay * 2^(attempt-1) in floating point: exact while it fits, infinite (then capped)
        // beyond, and 0 for a zero delay however many attempts failed
        double capped = Math.min(longest, Math.scalb((double) delay.toNanos(), attempt - 1));
        double spread = capped * jitter;
        double jittered = capped - spread + random * 2 * spread;
        return Duration.ofNanos((long) Math.min(longest, Math.max(0, jittered)));
    }
}
