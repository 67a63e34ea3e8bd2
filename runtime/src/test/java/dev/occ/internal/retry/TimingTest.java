package dev.occ.internal.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The real {@link Timing} and what other tests build in static initializers (which run once per JVM,
 * so a mutation run would not see a change in them): built here while a test runs.
 */
class TimingTest {

    @Test
    void theSystemsRandomValuesAreSpreadOverZeroToOne() {
        Set<Double> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            double r = Timing.SYSTEM.random();
            assertTrue(r >= 0 && r < 1, "random " + r);
            seen.add(r);
        }
        assertTrue(seen.size() > 90, seen.size() + " distinct values of 100");
    }

    @Test
    void theSystemSleepsAtLeastTheWaitIncludingItsSubMillisecondPart() throws InterruptedException {
        Duration wait = Duration.ofNanos(2_500_000);
        long start = Timing.SYSTEM.nanoTime();
        Timing.SYSTEM.sleep(wait);
        long slept = Timing.SYSTEM.nanoTime() - start;
        assertTrue(slept >= wait.toNanos(), slept + " ns");
        assertTrue(Math.abs(System.nanoTime() - Timing.SYSTEM.nanoTime()) < Duration.ofSeconds(1).toNanos(),
                "nanoTime is System.nanoTime()");
        assertEquals("Timing.SYSTEM", Timing.SYSTEM.toString());
    }

    @Test
    void aClassifierHandlingTypesAndSqlStatesHandlesThoseOnly() {
        FailureClassifier classifier = FailureClassifier.handling(List.of(IllegalStateException.class), List.of("40001"));
        assertEquals("handle=[IllegalStateException, 40001]", classifier.toString());
        assertTrue(classifier.retries(new IllegalStateException("retried")));
        assertTrue(!classifier.retries(new IllegalArgumentException("not retried")));
    }
}
