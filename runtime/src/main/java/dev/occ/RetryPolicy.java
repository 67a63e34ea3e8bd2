package dev.occ;

import dev.occ.internal.retry.Backoff;
import dev.occ.internal.retry.EnclosingTransaction;
import dev.occ.internal.retry.FailureClassifier;
import dev.occ.internal.retry.RetryLoop;
import dev.occ.internal.retry.RetrySettings;
import dev.occ.internal.retry.Timing;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jooq.DSLContext;
import org.jooq.TransactionalCallable;
import org.jooq.TransactionalRunnable;

/**
 * Re-runs a whole transactional unit of work, reads and writes, when it fails with an occ
 * {@link ConflictException}, a PostgreSQL serialization failure (SQLSTATE {@code 40001}) or a
 * deadlock ({@code 40P01}). It never re-sends a failed statement on its own: after a conflict the
 * data must be read again, and only re-running the unit does that. By default any other failure is
 * not retried; {@link Builder#handle(Class[])}, {@link Builder#handleIf(Predicate)} and
 * {@link Builder#handleSqlStates(String...)} add to what is, {@link Builder#abortOn(Class[])} and
 * {@link Builder#abortIf(Predicate)} take away from it.
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
 * the isolation level and cannot recover from a serialization failure of the enclosing transaction
 * (whose snapshot and locks it keeps). The policy refuses such a context with an
 * {@link IllegalStateException} before the unit runs, with or without an
 * {@linkplain Builder#withIsolation(Isolation) isolation level}: a transaction's {@code cfg} (or
 * {@code cfg.dsl()}) inside jOOQ's {@code ctx.transaction(..)}, and a context whose connection has a
 * transaction open (a {@code DSL.using(connection)} after a statement with auto-commit off). A
 * connection with auto-commit off on which nothing ran yet is not in a transaction, and is fine. To
 * retry work that is part of a larger transaction, retry the larger transaction.
 *
 * <p>A unit's checked exception reaches the caller as jOOQ's {@code transactionResult} delivers it:
 * a {@link org.jooq.exception.DataAccessException} {@code "Rollback caused"} whose cause is the
 * exception; its unchecked exceptions and errors reach the caller as they are.
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

    /** What is retried by default: occ's conflicts, serialization failures and deadlocks. */
    private static final FailureClassifier DEFAULT_CLASSIFIER =
            FailureClassifier.handling(List.of(ConflictException.class), List.of("40001", "40P01"));

    private static final System.Logger LOGGER = System.getLogger(RetryPolicy.class.getName());

    private static final RetryPolicy DEFAULTS = builder().build();

    private final RetryLoop loop;
    private final Isolation isolation;

    private RetryPolicy(RetrySettings settings, Isolation isolation) {
        this.loop = new RetryLoop(settings, RetryPolicy::exhausted, Timing.SYSTEM, LOGGER);
        this.isolation = isolation;
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
     * Runs {@code unit} in a transaction, again in a new transaction after each failure this policy
     * {@linkplain #retries(Throwable) retries}. Before each retry the
     * {@linkplain Builder#onRetry(Consumer) listener} is called and the thread waits the backoff.
     *
     * <p>An interrupted thread is not made to wait: when the thread is interrupted before or during
     * the wait, no further attempt starts, and the caller gets the last failure with the
     * {@link InterruptedException} {@linkplain Throwable#getSuppressed() suppressed} in it and the
     * thread's interrupt status set again. (A statement already running is not cut short: the
     * PostgreSQL driver does not react to interrupts.)
     *
     * <p>A listener that throws does not end the retries: its exception is logged, and attached to
     * the failure the caller gets if the call finally fails; see {@link Builder#onRetry(Consumer)}.
     *
     * @param <T> the unit's result type
     * @param ctx the jOOQ context whose transaction provider runs each attempt
     * @param unit the transactional unit, as given to jOOQ's {@code transactionResult}
     * @return the result of the first attempt that commits
     * @throws NullPointerException when {@code ctx} or {@code unit} is {@code null}
     * @throws IllegalStateException before the unit runs, when {@code ctx} is already in a
     *     transaction (see the class comment): a jOOQ transaction's configuration, or a connection
     *     with a transaction open
     * @throws org.jooq.exception.DataAccessException when the unit throws a checked exception: as
     *     jOOQ's own {@code ctx.transactionResult(..)} delivers it, the message
     *     {@code "Rollback caused"} and the unit's exception as its cause (retried only when a
     *     {@code handle..} option names it)
     * @throws RuntimeException the last failure, unwrapped, when the attempts or the time run out or
     *     the thread is interrupted, or the first failure that is not retryable
     */
    public <T> T transactionResult(DSLContext ctx, TransactionalCallable<T> unit) {
        Objects.requireNonNull(ctx, "ctx cannot be null");
        Objects.requireNonNull(unit, "unit cannot be null");
        String enclosing = EnclosingTransaction.of(ctx.configuration());
        if (enclosing != null) {
            throw new IllegalStateException(insideTransaction(enclosing));
        }
        return loop.run(() -> ctx.transactionResult(cfg -> {
            if (isolation != null) {
                // must be the transaction's first statement; it ends with the transaction
                cfg.dsl().execute(isolation.sql);
            }
            return unit.run(cfg);
        }));
    }

    /**
     * Runs {@code unit} in a transaction, again after each retryable failure, as
     * {@link #transactionResult(DSLContext, TransactionalCallable)} does.
     *
     * @param ctx the jOOQ context whose transaction provider runs each attempt
     * @param unit the transactional unit, as given to jOOQ's {@code transaction}
     * @throws NullPointerException when {@code ctx} or {@code unit} is {@code null}
     * @throws IllegalStateException when {@code ctx} is already in a transaction, as
     *     {@link #transactionResult(DSLContext, TransactionalCallable)}
     * @throws org.jooq.exception.DataAccessException wrapping a checked exception of the unit, as
     *     jOOQ's {@code ctx.transaction(..)} delivers it
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
     * Whether a failure is worth re-running the unit for under the {@linkplain #defaults() defaults}:
     * an occ conflict, a serialization failure ({@code 40001}) or a deadlock ({@code 40P01})
     * anywhere in its chain of causes (and of the {@linkplain SQLException#getNextException() next
     * exceptions} of a JDBC batch). A configured policy answers for itself in {@link #retries(Throwable)}.
     *
     * @param failure the failure, or {@code null}
     * @return true when the unit should run again
     */
    public static boolean isRetryable(Throwable failure) {
        return DEFAULT_CLASSIFIER.retries(failure);
    }

    /**
     * Whether this policy re-runs the unit after {@code failure}, attempts and time permitting: it
     * is {@linkplain #isRetryable(Throwable) retryable under the defaults} or handled by this
     * policy's {@code handle..} options, and none of its {@code abort..} options matches.
     *
     * @param failure the failure, or {@code null}
     * @return true when this policy would run the unit again; false for {@code null}
     * @throws RuntimeException what a {@linkplain Builder#handleIf(Predicate) handle} or
     *     {@linkplain Builder#abortIf(Predicate) abort} predicate throws
     */
    public boolean retries(Throwable failure) {
        return loop.settings().classifier().retries(failure);
    }

    /** The message of the refusal to run inside a transaction: what was called where, the rule, the fix. */
    private String insideTransaction(String enclosing) {
        String what = isolation == null ? "RetryPolicy" : "RetryPolicy with isolation " + isolation;
        String rule = isolation == null
                ? "each attempt must be a transaction of its own, which a conflict, a serialization failure or a"
                        + " deadlock rolls back whole before the unit runs again; inside another transaction an"
                        + " attempt would only be a savepoint, and the enclosing transaction would keep its"
                        + " snapshot and its locks"
                : "each attempt must be a transaction of its own, whose first statement sets the isolation level"
                        + " (PostgreSQL refuses SET TRANSACTION ISOLATION LEVEL after any query) and which a"
                        + " serialization failure rolls back whole; inside another transaction an attempt would"
                        + " only be a savepoint";
        return what + " was called inside " + enclosing + ": " + rule + ". Call the policy outside any transaction,"
                + " on the application's DSLContext rather than on a transaction's cfg.dsl(), or leave the"
                + " retrying to whoever runs the enclosing transaction";
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
        return loop.settings().maxAttempts();
    }

    /** @return the isolation level each attempt runs at, or {@code null} for the database's default */
    public Isolation isolation() {
        return isolation;
    }

    /**
     * Says the settings, such as
     * {@code RetryPolicy[maxAttempts=5, backoff=5..250ms, jitter=0.5, maxDuration=2000ms, isolation=default]};
     * a policy whose classification differs from the defaults' ends with what it handles and what
     * aborts.
     *
     * @return the description
     */
    @Override
    public String toString() {
        RetrySettings s = loop.settings();
        Backoff backoff = s.backoff();
        return "RetryPolicy[maxAttempts=" + s.maxAttempts() + ", backoff=" + backoff.delay().toMillis() + ".."
                + backoff.maxDelay().toMillis() + "ms, jitter=" + backoff.jitter() + ", maxDuration="
                + (s.maxDuration() == null ? "none" : s.maxDuration().toMillis() + "ms")
                + ", isolation=" + (isolation == null ? "default" : isolation)
                + (s.classifier().equals(DEFAULT_CLASSIFIER) ? "" : ", " + s.classifier()) + "]";
    }

    /**
     * Builds a {@link RetryPolicy}; {@link #build()} copies the settings, so the policy does not
     * change when the builder does.
     *
     * <p>What is retried, Failsafe's way: the defaults (occ's {@link ConflictException},
     * {@code 40001}, {@code 40P01}) and whatever {@link #handle(Class[]) handle},
     * {@link #handleSqlStates(String...) handleSqlStates} and {@link #handleIf(Predicate) handleIf}
     * add, unless {@link #abortOn(Class[]) abortOn} or {@link #abortIf(Predicate) abortIf} matches:
     * abort wins over handle, and an aborted failure goes to the caller at once, as one that is not
     * retryable does. Types and SQLSTATEs are looked for anywhere in the failure's chain of causes
     * and {@linkplain SQLException#getNextException() next exceptions}, since jOOQ wraps what the
     * driver throws (and what a unit throws that is not a {@link RuntimeException}). A predicate
     * sees the failure as the unit's transaction threw it and may walk the chain itself; it runs on
     * the calling thread and should not throw: what it throws reaches the caller, the failure
     * suppressed in it. Each option adds to what earlier calls set.
     */
    public static final class Builder {

        private int maxAttempts = 5;
        private Duration delay = Duration.ofMillis(5);
        private Duration maxDelay = Duration.ofMillis(250);
        private double jitter = 0.5;
        private Duration maxDuration = Duration.ofSeconds(2);
        private Isolation isolation;
        private Consumer<RetryEvent> onRetry;
        private FailureClassifier classifier = DEFAULT_CLASSIFIER;

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
                throw new IllegalArgumentException("jitter factor cannot be outside 0..1, but is " + factor);
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
                throw new IllegalArgumentException("maxDuration cannot be zero or negative, but is " + maxDuration);
            }
            this.maxDuration = maxDuration;
            return this;
        }

        /**
         * The isolation level of each attempt's transaction ({@code SET TRANSACTION ISOLATION LEVEL}
         * as its first statement). As any policy, it refuses to run inside a transaction, which
         * could not change its level any more.
         *
         * @param isolation the level; {@code null} for the database's default
         * @return this builder
         */
        public Builder withIsolation(Isolation isolation) {
            this.isolation = isolation;
            return this;
        }

        /**
         * Retries failures of these types too, besides the defaults, such as
         * {@code handle(SQLTransientConnectionException.class)} for a pool that timed out before the
         * unit began; subtypes count.
         *
         * @param types the further types, at least one
         * @return this builder
         * @throws NullPointerException when {@code types} or one of them is {@code null}
         * @throws IllegalArgumentException when {@code types} is empty
         */
        @SafeVarargs
        public final Builder handle(Class<? extends Throwable>... types) {
            classifier = classifier.handle(listOf("types", types));
            return this;
        }

        /**
         * Retries SQL exceptions with these SQLSTATEs too, besides {@code 40001} and {@code 40P01}:
         * {@code handleSqlStates("55P03")} retries a {@code lock_timeout} or a {@code NOWAIT} that
         * found the row locked.
         *
         * @param sqlStates the further SQLSTATEs, at least one, each 5 digits or upper-case letters
         * @return this builder
         * @throws NullPointerException when {@code sqlStates} or one of them is {@code null}
         * @throws IllegalArgumentException when {@code sqlStates} is empty or one is not 5 digits or
         *     upper-case letters
         */
        public Builder handleSqlStates(String... sqlStates) {
            List<String> states = listOf("sqlStates", sqlStates);
            for (int i = 0; i < states.size(); i++) {
                if (!states.get(i).matches("[0-9A-Z]{5}")) {
                    throw new IllegalArgumentException("sqlStates[" + i
                            + "] cannot be anything but 5 digits or upper-case letters, but is \"" + states.get(i) + "\"");
                }
            }
            classifier = classifier.handleSqlStates(states);
            return this;
        }

        /**
         * Retries the failures for which {@code predicate} is true too, besides the defaults.
         *
         * @param predicate the further predicate
         * @return this builder
         * @throws NullPointerException when {@code predicate} is {@code null}
         */
        public Builder handleIf(Predicate<? super Throwable> predicate) {
            classifier = classifier.handleIf(Objects.requireNonNull(predicate, "predicate cannot be null"));
            return this;
        }

        /**
         * Never retries the failures for which {@code predicate} is true, even those a default or a
         * {@code handle..} option retries.
         *
         * @param predicate the predicate that aborts
         * @return this builder
         * @throws NullPointerException when {@code predicate} is {@code null}
         */
        public Builder abortIf(Predicate<? super Throwable> predicate) {
            classifier = classifier.abortIf(Objects.requireNonNull(predicate, "predicate cannot be null"));
            return this;
        }

        /**
         * Never retries failures of these types, even those a default or a {@code handle..} option
         * retries: {@code abortOn(ConflictException.class)} hands every conflict to the caller at
         * once.
         *
         * @param types the types that abort, at least one
         * @return this builder
         * @throws NullPointerException when {@code types} or one of them is {@code null}
         * @throws IllegalArgumentException when {@code types} is empty
         */
        @SafeVarargs
        public final Builder abortOn(Class<? extends Throwable>... types) {
            classifier = classifier.abortOn(listOf("types", types));
            return this;
        }

        /** The values as a list, refusing a {@code null} array, an empty one and {@code null} values. */
        private static <T> List<T> listOf(String name, T[] values) {
            Objects.requireNonNull(values, name + " cannot be null");
            if (values.length == 0) {
                throw new IllegalArgumentException(name + " cannot be empty");
            }
            for (int i = 0; i < values.length; i++) {
                Objects.requireNonNull(values[i], name + "[" + i + "] cannot be null");
            }
            return List.of(values);
        }

        /**
         * A listener called before each retry, with the failed attempt's number, its cause and the
         * wait. It runs on the calling thread. A listener that throws does not end the retries: its
         * exception is logged at {@code WARNING} through the {@link System.Logger} named
         * {@code dev.occ.RetryPolicy}, once each time it throws, and the retries go on; if the call
         * finally fails, whether the policy gives up or a failure is not retried, the listener's
         * exceptions are {@linkplain Throwable#getSuppressed() suppressed} in the failure the caller
         * gets. An {@link Error} it throws is not caught.
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
            return new RetryPolicy(new RetrySettings(maxAttempts, new Backoff(delay, maxDelay, jitter), maxDuration,
                    classifier, onRetry), isolation);
        }
    }
}
