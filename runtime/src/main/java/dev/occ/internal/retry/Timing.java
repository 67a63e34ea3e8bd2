package dev.occ.internal.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The clock, the waiting and the chance a {@link RetryLoop} uses; a test passes its own, so that it
 * neither sleeps nor depends on the machine's speed.
 */
public interface Timing {

    /**
     * The real ones: {@link System#nanoTime()}, a wait of {@link LockSupport#parkNanos(long)} until
     * the deadline, and {@link ThreadLocalRandom}. The wait is not {@link Thread#sleep(long, int)},
     * which on JDK 17 rounds any wait with a sub-millisecond part up to the next whole millisecond:
     * a 100 µs backoff would cost 1 ms, most of an optimistic retry's advantage on a hot row.
     */
    Timing SYSTEM = new Timing() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration wait) throws InterruptedException {
            long nanos = wait.toNanos();
            long deadline = System.nanoTime() + nanos;
            // as Thread.sleep: an interrupt, before or during the wait, ends it with an
            // InterruptedException and clears the thread's interrupt status
            while (!Thread.interrupted()) {
                if (nanos <= 0) {
                    return;
                }
                LockSupport.parkNanos(this, nanos); // may return early, spuriously or on an interrupt
                nanos = deadline - System.nanoTime();
            }
            throw new InterruptedException("interrupted during the retry backoff of " + wait);
        }

        @Override
        public double random() {
            return ThreadLocalRandom.current().nextDouble();
        }

        @Override
        public String toString() {
            return "Timing.SYSTEM";
        }
    };

    /**
     * A monotonic clock, as {@link System#nanoTime()}: only differences between its values mean something.
     *
     * @return the current time in nanoseconds
     */
    long nanoTime();

    /**
     * Waits, on the calling thread, at least {@code wait} unless interrupted; the real one wakes up
     * within tens of microseconds after the deadline on an idle machine, not rounded up to a
     * millisecond.
     *
     * @param wait how long, zero or more
     * @throws InterruptedException when the thread is interrupted before or during the wait; as
     *     {@link Thread#sleep(long)}, the thread's interrupt status is cleared then
     */
    void sleep(Duration wait) throws InterruptedException;

    /**
     * A random value for the jitter.
     *
     * @return a value in [0, 1)
     */
    double random();
}
