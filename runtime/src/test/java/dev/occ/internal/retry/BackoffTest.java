package dev.occ.internal.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Backoff}'s arithmetic, with the random values chosen by the test: no clock, no sleeping. */
class BackoffTest {

    /** The largest double below 1, {@code Math.nextDown(1.0)}: the highest value a random source may give. */
    private static final double JUST_BELOW_1 = 0.9999999999999999;

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 0.5, JUST_BELOW_1})
    void withoutJitterTheFirstWaitIsTheDelayWhateverTheRandomValue(double random) {
        assertEquals(Math.nextDown(1.0), JUST_BELOW_1);
        assertEquals(ms(10), new Backoff(ms(10), ms(1000), 0).delayAfter(1, random));
    }

    @Test
    void eachWaitDoublesUntilMaxDelayCapsIt() {
        Backoff backoff = new Backoff(ms(10), ms(500), 0);

        List<Long> waits = IntStream.rangeClosed(1, 9).mapToObj(n -> backoff.delayAfter(n, 0.5).toMillis()).toList();

        assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 320L, 500L, 500L, 500L), waits);
    }

    @Test
    void aZeroDelayStaysZeroAndEqualBoundsStayFixed() {
        assertEquals(Duration.ZERO, new Backoff(Duration.ZERO, ms(100), 0.5).delayAfter(1, JUST_BELOW_1));
        assertEquals(Duration.ZERO, new Backoff(Duration.ZERO, ms(100), 0.5).delayAfter(Integer.MAX_VALUE, 0.5),
                "0 * 2^n is 0, not maxDelay");
        assertEquals(ms(100), new Backoff(ms(100), ms(100), 0).delayAfter(7, 0.5));
    }

    /**
     * A 100 ms wait spread by {@code factor}: random 0 gives {@code 100 * (1 - factor)}, 0.5 the
     * 100 ms themselves, just below 1 nearly {@code 100 * (1 + factor)}.
     */
    @ParameterizedTest(name = "jitter {0}, random {1}")
    @CsvSource({
        "0,   0,   100",
        "0,   0.5, 100",
        "0,   1,   100",
        "0.5, 0,   50",
        "0.5, 0.5, 100",
        "0.5, 1,   150",
        "1,   0,   0",
        "1,   0.5, 100",
        "1,   1,   200",
    })
    void jitterSpreadsTheWaitWithinItsFactor(double factor, double random, long expectedMillis) {
        Backoff backoff = new Backoff(ms(100), ms(1000), factor);
        double r = random == 1 ? JUST_BELOW_1 : random;

        Duration wait = backoff.delayAfter(1, r);

        Duration expected = ms(expectedMillis);
        // just below 1 may fall a rounding error short of the upper bound, never above it
        Duration tolerance = random == 1 ? Duration.ofNanos(1_000) : Duration.ZERO;
        assertTrue(wait.compareTo(expected) <= 0 && wait.compareTo(expected.minus(tolerance)) >= 0,
                "jitter " + factor + ", random " + r + ": " + wait + " instead of " + expected);
    }

    @Test
    void jitterNeverPushesAWaitPastMaxDelayNorBelowZero() {
        Backoff full = new Backoff(ms(100), ms(100), 1);

        assertEquals(ms(100), full.delayAfter(1, JUST_BELOW_1), "capped again after the spread");
        assertEquals(ms(100), full.delayAfter(40, JUST_BELOW_1));
        assertEquals(Duration.ZERO, full.delayAfter(40, 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {62, 63, 64, 65, 1000, Integer.MAX_VALUE})
    void attemptsFarBeyondTheCapDoNotOverflow(int attempt) {
        Duration hour = Duration.ofHours(1);

        assertEquals(hour, new Backoff(ms(1), hour, 0).delayAfter(attempt, 0.5));
        assertEquals(hour, new Backoff(ms(1), hour, 1).delayAfter(attempt, 0.5));
        assertEquals(Duration.ZERO, new Backoff(ms(1), hour, 1).delayAfter(attempt, 0));
        Duration spread = new Backoff(ms(1), hour, 0.5).delayAfter(attempt, JUST_BELOW_1);
        assertEquals(hour, spread, "capped, not negative: " + spread);
    }

    @Test
    void theLargestWaitsStayPositive() {
        Duration longest = Duration.ofNanos(Long.MAX_VALUE);

        Duration wait = new Backoff(Duration.ofNanos(1), longest, 0).delayAfter(Integer.MAX_VALUE, 0.5);

        assertEquals(longest, wait);
    }

    @Test
    void badArgumentsAreRefusedWithMessagesThatNameThem() {
        Backoff backoff = new Backoff(ms(1), ms(2), 0.5);

        assertEquals("attempt cannot be less than 1, but is 0",
                assertThrows(IllegalArgumentException.class, () -> backoff.delayAfter(0, 0.5)).getMessage());
        assertEquals("random cannot be outside [0, 1), but is 1.0",
                assertThrows(IllegalArgumentException.class, () -> backoff.delayAfter(1, 1.0)).getMessage());
        assertEquals("random cannot be outside [0, 1), but is -0.1",
                assertThrows(IllegalArgumentException.class, () -> backoff.delayAfter(1, -0.1)).getMessage());
        assertEquals("random cannot be outside [0, 1), but is NaN",
                assertThrows(IllegalArgumentException.class, () -> backoff.delayAfter(1, Double.NaN)).getMessage());
        assertEquals("delay cannot be null",
                assertThrows(NullPointerException.class, () -> new Backoff(null, ms(1), 0)).getMessage());
        assertEquals("maxDelay cannot be null",
                assertThrows(NullPointerException.class, () -> new Backoff(ms(1), null, 0)).getMessage());
    }
}
