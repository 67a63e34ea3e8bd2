package dev.occ;

import java.time.Duration;

/**
 * What a {@link RetryPolicy} listener sees before each retry.
 *
 * @param attempt the attempt that failed, starting at 1
 * @param cause why it failed: a failure the policy {@linkplain RetryPolicy#retries(Throwable) retries};
 *     by default a {@link ConflictException}, a serialization failure (SQLSTATE {@code 40001}) or a
 *     deadlock ({@code 40P01})
 * @param delay how long the policy waits before the next attempt
 */
public record RetryEvent(int attempt, Throwable cause, Duration delay) {
}
