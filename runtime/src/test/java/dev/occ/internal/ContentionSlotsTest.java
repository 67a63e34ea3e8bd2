package dev.occ.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.internal.ContentionSlots.Conflict;
import dev.occ.internal.ContentionSlots.Read;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * [occ#15] The adaptive policy's slots on a clock of the test's own: the threshold within a run of
 * attempts, the run starting again, renewal, the cool-down noticed once, and each transition
 * reported by exactly one of many racing threads. The database side is in
 * {@code dev.occ.AdaptiveLockingTest}.
 */
class ContentionSlotsTest {

    private static final long MS = 1_000_000;

    private final AtomicLong now = new AtomicLong(-5 * MS); // nanoTime may be negative, or cross 0
    private final int[] counted = new int[2];

    private ContentionSlots slots(int size, int conflicts, int attempts) {
        return new ContentionSlots(size, conflicts, attempts, 100 * MS, now::get);
    }

    @Test
    void aSlotEscalatesWhenItsConflictsReachTheThresholdWithinARun() {
        ContentionSlots s = slots(4, 3, 10);
        for (int i = 0; i < 2; i++) {
            s.attempt(1);
            assertEquals(Conflict.COUNTED, s.conflict(1, counted));
        }
        s.attempt(1);
        assertEquals(Read.COLD, s.read(1));
        s.attempt(1);
        assertEquals(Conflict.ESCALATED, s.conflict(1, counted));
        assertEquals(3, counted[0], "conflicts");
        assertEquals(4, counted[1], "attempts");
        assertEquals(Read.HOT, s.read(1));
        assertEquals(Read.COLD, s.read(0), "the other slots are not touched");
        assertEquals(Read.COLD, s.read(2));
    }

    @Test
    void theRunStartsAgainEveryAttemptsAttempts() {
        ContentionSlots s = slots(1, 2, 4);
        s.attempt(0);
        assertEquals(Conflict.COUNTED, s.conflict(0, counted));
        s.attempt(0);
        s.attempt(0);
        s.attempt(0); // the 4th attempt: a new run
        s.attempt(0);
        assertEquals(Conflict.COUNTED, s.conflict(0, counted), "1 of the new run, not 2");
        s.attempt(0);
        assertEquals(Conflict.ESCALATED, s.conflict(0, counted));
        assertEquals(2, counted[1], "2 attempts of the new run");
    }

    @Test
    void aHotSlotCountsNoAttemptAConflictRenewsItAndTheCoolDownIsNoticedOnce() {
        ContentionSlots s = slots(2, 1, 1);
        assertEquals(Conflict.ESCALATED, s.conflict(0, counted));
        now.addAndGet(60 * MS);
        s.attempt(0); // ignored while hot
        assertEquals(Conflict.RENEWED, s.conflict(0, counted), "a conflict while hot starts the cool-down again");
        now.addAndGet(60 * MS); // 120 ms after the escalation, 60 ms after the renewal
        assertEquals(Read.HOT, s.read(0));
        assertTrue(s.hot(0));
        now.addAndGet(41 * MS);
        assertFalse(s.hot(0), "hot() only looks");
        assertEquals(Read.COOLED_DOWN, s.read(0), "the first read after the cool-down notices it");
        assertEquals(Read.COLD, s.read(0), "once");
        assertEquals(Conflict.ESCALATED, s.conflict(0, counted), "and it escalates again from cold");
    }

    @Test
    void aConflictAfterAnUnnoticedCoolDownReportsBoth() {
        ContentionSlots s = slots(1, 1, 1);
        assertEquals(Conflict.ESCALATED, s.conflict(0, counted));
        now.addAndGet(101 * MS);
        assertEquals(Conflict.COOLED_DOWN_AND_ESCALATED, s.conflict(0, counted));
        assertEquals(Read.HOT, s.read(0));
    }

    @Test
    void coolingDownStartsAFreshRun() {
        ContentionSlots s = slots(1, 2, 100);
        s.attempt(0);
        s.conflict(0, counted);
        s.attempt(0);
        assertEquals(Conflict.ESCALATED, s.conflict(0, counted));
        now.addAndGet(101 * MS);
        assertEquals(Read.COOLED_DOWN, s.read(0));
        s.attempt(0);
        assertEquals(Conflict.COUNTED, s.conflict(0, counted), "the run before the escalation is gone");
    }

    @Test
    void racingThreadsReportEachEscalationAndEachCoolDownOnce() throws Exception {
        ContentionSlots s = slots(1, 3, 1000);
        int threads = 8;
        int rounds = 20;
        ConcurrentHashMap<Object, LongAdder> results = new ConcurrentHashMap<>();
        for (int round = 0; round < rounds; round++) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    int[] mine = new int[2];
                    for (int i = 0; i < 2000; i++) {
                        s.attempt(0);
                        results.computeIfAbsent(s.conflict(0, mine), k -> new LongAdder()).increment();
                        results.computeIfAbsent(s.read(0), k -> new LongAdder()).increment();
                    }
                });
                w.start();
                workers.add(w);
            }
            go.countDown();
            for (Thread w : workers) {
                w.join();
            }
            now.addAndGet(101 * MS); // the cool-down passes between rounds, unnoticed until the next round
        }
        long escalations = count(results, Conflict.ESCALATED) + count(results, Conflict.COOLED_DOWN_AND_ESCALATED);
        long coolDowns = count(results, Read.COOLED_DOWN) + count(results, Conflict.COOLED_DOWN_AND_ESCALATED);
        assertEquals(rounds, escalations, "one escalation per round: " + results);
        assertEquals(rounds - 1, coolDowns, "one cool-down between rounds: " + results);
    }

    private static long count(ConcurrentHashMap<Object, LongAdder> results, Object key) {
        LongAdder n = results.get(key);
        return n == null ? 0 : n.sum();
    }

    @Test
    void keysSpreadOverEverySlotAndStayInRange() {
        for (int size : new int[] { 1, 3, 1000, 1 << 20 }) {
            ContentionSlots s = slots(size, 1, 1);
            for (int id = -1000; id < 100_000; id++) {
                int slot = s.slot(new Object[] { id });
                assertTrue(slot >= 0 && slot < size, size + " slots, key " + id + ": slot " + slot);
            }
        }
        ContentionSlots s = slots(1000, 1, 1);
        int[] load = new int[1000];
        for (int id = 1; id <= 100_000; id++) {
            load[s.slot(new Object[] { id })]++;
        }
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int n : load) {
            min = Math.min(min, n);
            max = Math.max(max, n);
        }
        assertTrue(min > 50 && max < 150, "100 keys a slot on average, but from " + min + " to " + max);
        assertEquals(s.slot(new Object[] { 42, "a" }), s.slot(new Object[] { 42, "a" }), "the same key, the same slot");
        assertEquals(s.slot(new Object[] { new byte[] { 1, 2 } }), s.slot(new Object[] { new byte[] { 1, 2 } }),
                "byte arrays by content");
        assertTrue(s.slot(new Object[] { null }) >= 0);
    }
}
