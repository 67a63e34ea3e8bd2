package dev.occ;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.TransactionalCallable;
import org.jooq.TransactionalRunnable;

/**
 * Re-runs a whole transactional unit of work, reads and writes, when it fails with an occ
 * {@link ConflictException}, a PostgreSQL serialization failure (SQLSTATE {@code 40001}) or a
 * deadlock ({@code 40P01}). It never re-sends a failed statement on its own: after a conflict the
 * data must be read again, and only re-running the unit does that. Any other failure is not retried.
 *
 * <pre>
 * RetryPolicy retry = RetryPolicy.builder()
 *     .withMaxAttempts(5)                                         // 4 retries = 5 attempts
 *     .withBackoff(Duration.ofMillis(5), Duration.ofMillis(200))
 *     .onRetry(e -&gt; log.info("retry after {}", e.cause().getMessage()))
 *     .build();
 *
 * int moved = retry.transactionResult(ctx, cfg -&gt; {
 *     PlayerRecord loser = cfg.dsl().fetchOne(PLAYER, PLAYER.ID.eq(loserId));   // read ...
 *     Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, loser.getNumPoints() - 2)
 *        .where(PLAYER.ID.eq(loserId)).lockingPolicy(optimistic(loser)).execute(); // ... and write
 *     return 2;
 * });
 * </pre>
 *
 * <p>The unit is the lambda a user would give jOOQ's {@code transactionResult}. When the attempts
 * or the time run out, the caller gets the last failure itself, not a wrapper: a
 * {@link ConflictException} tells the number of attempts in {@link ConflictException#attempts()};
 * another retryable failure carries a suppressed exception that says it.
 *
 * <p>Each attempt is a transaction of its own, so call the policy outside any transaction: on a
 * context that is already in one, jOOQ would run each attempt in a savepoint, which cannot change
 * the isolation level and cannot recover from a serialization failure of the enclosing transaction.
 * A failure that is not retryable, such as a lost connection ({@code 08xxx}, {@code 57P01}), goes
 * to the caller at once: a connection lost during the commit leaves the outcome unknown, and
 * re-running the unit could apply it twice.
 *
 * <p>A built policy is immutable and thread-safe; share one across threads.
 */
public final class RetryPolicy {

    /** The isolation level a retried transaction runs at. */
    public enum Isolation {
        /** PostgreSQL's default: each statement sees what was committed before it began. */
        READ_COMMITTED("set transaction isolation level read committed"),
        /** One snapshot for the whole transaction; concurrent updates fail with SQLSTATE 40001. */
        REPEATABLE_READ("set transaction isolation level repeatable read"),
        /** As if transactions ran one after another; anomalies fail with SQLSTATE 40001. */
        SERIALIZABLE("set transaction isolation level serializable");

        private final String sql;

        Isolation(String sql) {
            this.sql = sql;
        }
    }

    private static final RetryPolicy DEFAULTS = builder().build();

    private final int maxAttempts;
    private final Duration delay;
    private final Duration maxDelay;
    private final double jitter;
    private final Duration maxDuration;
    private final Isolation isolation;
    private final Consumer<RetryEvent> onRetry;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.delay = b.delay;
        this.maxDelay = b.maxDelay;
        this.jitter = b.jitter;
        this.maxDuration = b.maxDuration;
        this.isolation = b.isolation;
        this.onRetry = b.onRetry;
    }

    /**
     * The defaults, meant for an interactive request: 5 attempts, exponential backoff from 5 ms to
     * 250 ms with 50% jitter, no retry that would start more than 2 seconds after the first attempt
     * began, the database's default isolation level, no listener.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * A builder that starts from the {@link #defaults()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code unit} in a transaction, again in a new transaction after each retryable failure.
     * Before each retry the {@linkplain Builder#onRetry(Consumer) listener} is called and the thread
     * waits the backoff.
     *
     * <p>An interrupted thread is not made to wait: when the thread is interrupted before or during
     * the wait, no further attempt starts, and the caller gets the last failure with the
     * {@link InterruptedException} {@linkplain Throwable#getSuppressed() suppressed} in it and the
     * thread's interrupt status set again. (A statement already running is not cut short: the
     * PostgreSQL driver does not react to interrupts.)
     *
     * @param <T> the unit's result type
     * @param ctx the jOOQ context whose transaction provider runs each attempt
     * @param unit the transactional unit, as given to jOOQ's {@code transactionResult}
     * @return the result of the first attempt that commits
     * @throws NullPointerException when {@code ctx} or {@code unit} is {@code null}
     * @throws RuntimeException the last failure, unwrapped, when the attempts or the time run out or
     *     the thread is interrupted, or the first failure that is not retryable
     */
    public <T> T transactionResult(DSLContext ctx, TransactionalCallable<T> unit) {
        Objects.requireNonNull(ctx, "ctx cannot be null");
        Objects.requireNonNull(unit, "unit cannot be null");
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                return ctx.transactionResult(cfg -> {
                    if (isolation != null) {
                        // must be the transaction's first statement; it ends with the transaction
                        cfg.dsl().execute(isolation.sql);
                    }
                    return unit.run(cfg);
                });
            } catch (RuntimeException failure) {
                if (!isRetryable(failure)) {
                    throw failure;
                }
                Duration wait = delayAfter(attempt);
                boolean timeLeft = maxDuration == null
                        || Duration.ofNanos(System.nanoTime() - started).plus(wait).compareTo(maxDuration) < 0;
                if (attempt >= maxAttempts || !timeLeft) {
                    throw exhausted(failure, attempt);
                }
                if (Thread.currentThread().isInterrupted()) {
                    failure.addSuppressed(new InterruptedException("interrupted after attempt " + attempt
                            + "; no further attempt started"));
                    throw exhausted(failure, attempt);
                }
                if (onRetry != null) {
                    onRetry.accept(new RetryEvent(attempt, failure, wait));
                }
                try {
                    Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.addSuppressed(e);
                    throw exhausted(failure, attempt);
                }
            }
        }
    }

    /**
     * Runs {@code unit} in a transaction, again after each retryable failure, as
     * {@link #transactionResult(DSLContext, TransactionalCallable)} does.
     *
     * @param ctx the jOOQ context whose transaction provider runs each attempt
     * @param unit the transactional unit, as given to jOOQ's {@code transaction}
     * @throws NullPointerException when {@code ctx} or {@code unit} is {@code null}
     * @throws RuntimeException as {@link #transactionResult(DSLContext, TransactionalCallable)}
     */
    public void transaction(DSLContext ctx, TransactionalRunnable unit) {
        Objects.requireNonNull(ctx, "ctx cannot be null");
        Objects.requireNonNull(unit, "unit cannot be null");
        transactionResult(ctx, cfg -> {
            unit.run(cfg);
            return null;
        });
    }

    /**
     * Whether a failure is worth re-running the unit for: an occ conflict, a serialization failure
     * ({@code 40001}) or a deadlock ({@code 40P01}) anywhere in its chain of causes (and of the
     * {@linkplain SQLException#getNextException() next exceptions} of a JDBC batch).
     *
     * @param failure the failure, or {@code null}
     * @return true when the unit should run again
     */
    public static boolean isRetryable(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        if (failure != null) {
            todo.add(failure);
        }
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof ConflictException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                if ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState())) {
                    return true;
                }
                if (sql.getNextException() != null) {
                    todo.add(sql.getNextException());
                }
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return false;
    }

    /** {@code delay * 2^(attempt-1)}, at most {@code maxDelay}, spread by the jitter, at most {@code maxDelay}. */
    private Duration delayAfter(int attempt) {
        double capped = maxDelay.toNanos();
        if (attempt <= 62) {
            capped = Math.min(capped, delay.toNanos() * (double) (1L << (attempt - 1)));
        }
        double spread = capped * jitter;
        double jittered = capped - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread;
        return Duration.ofNanos((long) Math.min(maxDelay.toNanos(), Math.max(0, jittered)));
    }

    private static RuntimeException exhausted(RuntimeException failure, int attempts) {
        if (failure instanceof ConflictException conflict) {
            conflict.attempts(attempts);
        } else {
            failure.addSuppressed(new RetriesExhausted(attempts));
        }
        return failure;
    }

    /** Says, as a suppressed exception, how many attempts were made before giving up. */
    static final class RetriesExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RetriesExhausted(int attempts) {
            super("occ RetryPolicy gave up after " + attempts + " attempt" + (attempts == 1 ? "" : "s"), null, false, false);
        }
    }

    /** @return the maximum number of attempts, the first included */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the isolation level each attempt runs at, or {@code null} for the database's default */
    public Isolation isolation() {
        return isolation;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff=" + delay.toMillis() + ".." + maxDelay.toMillis()
                + "ms, jitter=" + jitter + ", maxDuration=" + (maxDuration == null ? "none" : maxDuration.toMillis() + "ms")
                + ", isolation=" + (isolation == null ? "default" : isolation) + "]";
    }

    /**
     * Builds a {@link RetryPolicy}; {@link #build()} copies the settings, so the policy does not
     * change when the builder does.
     */
    public static final class Builder {

        private int maxAttempts = 5;
        private Duration delay = Duration.ofMillis(5);
        private Duration maxDelay = Duration.ofMillis(250);
        private double jitter = 0.5;
        private Duration maxDuration = Duration.ofSeconds(2);
        private Isolation isolation;
        private Consumer<RetryEvent> onRetry;

        private Builder() {
        }

        /**
         * The maximum number of attempts, the first included: 3 attempts are 2 retries.
         *
         * @param maxAttempts at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code maxAttempts} is less than 1
         */
        public Builder withMaxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts cannot be less than 1, but is " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Exponential backoff: the first retry waits {@code delay}, each next one twice as long, up
         * to {@code maxDelay}.
         *
         * @param delay the first wait, zero or more
         * @param maxDelay the longest wait, at least {@code delay}
         * @return this builder
         * @throws NullPointerException when a duration is {@code null}
         * @throws IllegalArgumentException when a duration is negative or {@code maxDelay < delay}
         */
        public Builder withBackoff(Duration delay, Duration maxDelay) {
            Objects.requireNonNull(delay, "delay cannot be null");
            Objects.requireNonNull(maxDelay, "maxDelay cannot be null");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay cannot be negative, but is " + delay);
            }
            if (maxDelay.compareTo(delay) < 0) {
                throw new IllegalArgumentException("maxDelay cannot be less than delay (" + delay + "), but is " + maxDelay);
            }
            this.delay = delay;
            this.maxDelay = maxDelay;
            return this;
        }

        /**
         * Spreads each wait randomly by up to this fraction either way, so that threads that
         * conflicted together do not retry together; a wait never exceeds the backoff's
         * {@code maxDelay}.
         *
         * @param factor from 0 (no jitter) to 1
         * @return this builder
         * @throws IllegalArgumentException when {@code factor} is outside [0, 1]
         */
        public Builder withJitter(double factor) {
            if (!(factor >= 0 && factor <= 1)) {
                throw new IllegalArgumentException("jitter factor must be between 0 and 1, but is " + factor);
            }
            this.jitter = factor;
            return this;
        }

        /**
         * A cap on the total time: no retry starts when it would begin (after its backoff) this much
         * time or more after the first attempt began. An attempt that is running is not cut short.
         *
         * @param maxDuration the cap, positive; {@code null} for none
         * @return this builder
         * @throws IllegalArgumentException when {@code maxDuration} is zero or negative
         */
        public Builder withMaxDuration(Duration maxDuration) {
            if (maxDuration != null && (maxDuration.isZero() || maxDuration.isNegative())) {
                throw new IllegalArgumentException("maxDuration must be positive, but is " + maxDuration);
            }
            this.maxDuration = maxDuration;
            return this;
        }

        /**
         * The isolation level of each attempt's transaction ({@code SET TRANSACTION ISOLATION LEVEL}
         * as its first statement).
         *
         * @param isolation the level; {@code null} for the database's default
         * @return this builder
         */
        public Builder withIsolation(Isolation isolation) {
            this.isolation = isolation;
            return this;
        }

        /**
         * A listener called before each retry, with the failed attempt's number and cause. It runs
         * on the calling thread; a listener that throws stops the retries with its exception.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException when {@code listener} is {@code null}
         */
        public Builder onRetry(Consumer<RetryEvent> listener) {
            this.onRetry = Objects.requireNonNull(listener, "listener cannot be null");
            return this;
        }

        /**
         * Builds the immutable policy.
         *
         * @return the policy
         */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
