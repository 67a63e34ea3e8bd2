package dev.occ.internal.retry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real {@link Timing#SYSTEM} wait: sub-millisecond waits are not rounded up to a millisecond,
 * no wait ends before its deadline, and interrupts end it as {@link Thread#sleep(long)} would.
 */
class SystemTimingTest {

    private static final Duration WAIT = Duration.ofNanos(100_000);
    private static final int WAITS = 200;

    /** The median and the shortest of {@value #WAITS} waits of 100 µs, in nanoseconds. */
    private static long[] measure(Sleeper sleeper) throws InterruptedException {
        long[] took = new long[WAITS];
        for (int i = 0; i < WAITS; i++) {
            long start = System.nanoTime();
            sleeper.sleep(WAIT);
            took[i] = System.nanoTime() - start;
        }
        Arrays.sort(took);
        return new long[] { took[WAITS / 2], took[0] };
    }

    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration wait) throws InterruptedException;
    }

    /**
     * A rounded-up wait lasts at least 1 ms every time, so its median can never be under 700 µs;
     * the machine's load can only make a precise wait slower, so up to three rounds are measured
     * and the best median counts. Thread.sleep's median is printed beside it, for comparison.
     */
    @Test
    void aWaitOf100MicrosecondsIsNotRoundedUpToAMillisecond() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3 && best >= 700_000; round++) {
            long[] system = measure(Timing.SYSTEM::sleep);
            assertTrue(system[1] >= WAIT.toNanos(), "a wait ended " + system[1] + " ns after it began, before its deadline");
            best = Math.min(best, system[0]);
        }
        long[] sleep = measure(w -> Thread.sleep(w.toMillis(), (int) (w.toNanos() % 1_000_000)));
        System.out.printf("[occ timing] median of %d waits of 100 us: Timing.SYSTEM %d us, Thread.sleep %d us%n",
                WAITS, best / 1000, sleep[0] / 1000);
        assertTrue(best < 700_000, "median wait of 100 us took " + best / 1000 + " us: rounded up to a millisecond?");
    }

    @Test
    void anInterruptBeforeTheWaitEndsItAtOnceAndClearsTheStatus() {
        Thread.currentThread().interrupt();
        long start = System.nanoTime();
        assertThrows(InterruptedException.class, () -> Timing.SYSTEM.sleep(Duration.ofSeconds(10)));
        assertFalse(Thread.currentThread().isInterrupted(), "cleared, as Thread.sleep clears it");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "it did not wait");

        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> Timing.SYSTEM.sleep(Duration.ZERO), "also a zero wait");
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void anInterruptDuringTheWaitEndsIt() throws Exception {
        Thread waiter = Thread.currentThread();
        CountDownLatch started = new CountDownLatch(1);
        Thread interrupter = new Thread(() -> {
            try {
                started.await();
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            waiter.interrupt();
        }, "timing-interrupter");
        interrupter.start();
        long start = System.nanoTime();
        started.countDown();
        try {
            assertThrows(InterruptedException.class, () -> Timing.SYSTEM.sleep(Duration.ofSeconds(30)));
        } finally {
            interrupter.join(10_000);
            Thread.interrupted();
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "the interrupt ended the 30 s wait");
    }
}
