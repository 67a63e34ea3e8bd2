package dev.occ.internal.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The clock, the waiting and the chance a {@link RetryLoop} uses; a test passes its own, so that it
 * neither sleeps nor depends on the machine's speed.
 */
public interface Timing {

    /** The real ones: {@link System#nanoTime()}, {@link Thread#sleep(long, int)} and {@link ThreadLocalRandom}. */
    Timing SYSTEM = new Timing() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration wait) throws InterruptedException {
            Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
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
     * Waits, on the calling thread.
     *
     * @param wait how long, zero or more
     * @throws InterruptedException when the thread is interrupted before or during the wait
     */
    void sleep(Duration wait) throws InterruptedException;

    /**
     * A random value for the jitter.
     *
     * @return a value in [0, 1)
     */
    double random();
}
