/**
 * The machinery behind {@link dev.occ.RetryPolicy}: the retry loop ({@link dev.occ.internal.retry.RetryLoop}),
 * the backoff arithmetic ({@link dev.occ.internal.retry.Backoff}) and the failure classification
 * ({@link dev.occ.internal.retry.FailureClassifier}).
 *
 * <p><b>Not API.</b> The classes here are public only so that {@code dev.occ} can use them; occ's
 * module descriptor exports {@code dev.occ} alone, and anything here may change or go away in any
 * release. Configure retries through {@link dev.occ.RetryPolicy.Builder}.
 *
 * <p>Nothing here reads the clock, sleeps or draws a random number on its own: the loop gets them
 * from a {@link dev.occ.internal.retry.Timing}, so that the whole of it can be tested without a
 * database and without waiting.
 */
package dev.occ.internal.retry;
