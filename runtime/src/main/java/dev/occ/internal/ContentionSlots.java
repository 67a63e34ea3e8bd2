package dev.occ.internal;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * [occ#15] The adaptive policy's memory: a fixed number of slots that keys are hashed into, each
 * holding two {@code long}s and nothing of the keys.
 * <ul>
 * <li>{@code runs[slot]}: the current run of optimistic attempts, {@code attempts << 32 | conflicts};
 *     it starts again (at 0) when its attempts reach the run's length, or when the slot escalates
 *     or cools down;</li>
 * <li>{@code hotUntil[slot]}: {@value #COLD} while the slot is cold, otherwise the
 *     {@link System#nanoTime()} at which its cool-down ends.</li>
 * </ul>
 * Every change is a compare-and-set, so each escalation and each cool-down is reported once, by
 * the thread that made it. Nothing blocks.
 */
final class ContentionSlots {

    /** {@code hotUntil} of a cold slot; a deadline that happens to be 0 is stored as 1. */
    static final long COLD = 0;

    /** What a read finds. */
    enum Read {
        /** Read plainly. */
        COLD,
        /** Read under a row lock. */
        HOT,
        /** The cool-down just passed, and this read is the one that noticed: read plainly, and report it. */
        COOLED_DOWN
    }

    private final int slots;
    private final int conflicts;
    private final int attempts;
    private final long coolDownNanos;
    private final LongSupplier clock;
    private final AtomicLongArray runs;
    private final AtomicLongArray hotUntil;

    /**
     * @param slots the number of slots, at least 1
     * @param conflicts the conflicts within a run that escalate a slot, at least 1
     * @param attempts the length of a run, at least {@code conflicts}
     * @param coolDownNanos how long a slot stays hot after its last conflict
     * @param clock {@link System#nanoTime()}, or a test's clock
     */
    ContentionSlots(int slots, int conflicts, int attempts, long coolDownNanos, LongSupplier clock) {
        this.slots = slots;
        this.conflicts = conflicts;
        this.attempts = attempts;
        this.coolDownNanos = coolDownNanos;
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.runs = new AtomicLongArray(slots);
        this.hotUntil = new AtomicLongArray(slots);
    }

    /** @return the number of slots */
    int size() {
        return slots;
    }

    /**
     * The slot of a key: a hash of its values (in key order), spread and mapped onto the slots.
     *
     * @param values the key's values, each converted to its column's Java type
     * @return from 0 to {@link #size()} less one
     */
    int slot(Object[] values) {
        int h = 1;
        for (Object v : values) {
            h = 31 * h + (v instanceof byte[] bytes ? Arrays.hashCode(bytes) : Objects.hashCode(v));
        }
        // murmur3's finalizer: keys 1, 2, 3 .. land far apart
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return (int) (((h & 0xffffffffL) * slots) >>> 32);
    }

    /**
     * How to read a key of this slot; the read that finds the cool-down passed makes the slot cold.
     *
     * @return the answer
     */
    Read read(int slot) {
        long until = hotUntil.get(slot);
        if (until == COLD) {
            return Read.COLD;
        }
        long now = clock.getAsLong();
        if (now - until < 0) {
            return Read.HOT;
        }
        if (hotUntil.compareAndSet(slot, until, COLD)) {
            runs.set(slot, 0);
            return Read.COOLED_DOWN;
        }
        // another thread cooled it down, or a conflict renewed it meanwhile
        long renewed = hotUntil.get(slot);
        return renewed != COLD && now - renewed < 0 ? Read.HOT : Read.COLD;
    }

    /** @return whether the slot is hot now (for tests and messages; no state changes) */
    boolean hot(int slot) {
        long until = hotUntil.get(slot);
        return until != COLD && clock.getAsLong() - until < 0;
    }

    /** Counts an optimistic attempt on a cold slot; on a hot one, nothing (its reads are locked). */
    void attempt(int slot) {
        long until = hotUntil.get(slot);
        if (until != COLD && clock.getAsLong() - until < 0) {
            return;
        }
        while (true) {
            long run = runs.get(slot);
            long made = (run >>> 32) + 1;
            long next = made >= attempts ? 0 : made << 32 | (run & 0xffffffffL);
            if (runs.compareAndSet(slot, run, next)) {
                return;
            }
        }
    }

    /** What a conflict did to its slot. */
    enum Conflict {
        /** Counted, the slot stays as it was. */
        COUNTED,
        /** The slot was hot: its cool-down starts again. */
        RENEWED,
        /** The slot escalated: this conflict reached the threshold. */
        ESCALATED,
        /** The slot's cool-down had passed unnoticed, and this conflict escalated it again at once. */
        COOLED_DOWN_AND_ESCALATED
    }

    /**
     * Counts a conflict, and escalates the slot when its run reaches the threshold.
     *
     * @param counted where the run's conflicts and attempts are put when the slot escalates:
     *     {@code counted[0]} conflicts, {@code counted[1]} attempts
     * @return what the conflict did
     */
    Conflict conflict(int slot, int[] counted) {
        long now = clock.getAsLong();
        long until = hotUntil.get(slot);
        if (until != COLD && now - until < 0) {
            hotUntil.set(slot, deadline(now));
            return Conflict.RENEWED;
        }
        while (true) {
            long run = runs.get(slot);
            int made = (int) (run >>> 32);
            int conflicted = (int) run + 1;
            if (conflicted < conflicts) {
                if (runs.compareAndSet(slot, run, (long) made << 32 | conflicted)) {
                    return Conflict.COUNTED;
                }
                continue;
            }
            if (!runs.compareAndSet(slot, run, 0)) {
                continue;
            }
            counted[0] = conflicted;
            counted[1] = Math.max(made, conflicted);
            return escalate(slot, until, now);
        }
    }

    /** Makes the slot hot from {@code seen}, its state when the conflict came; another thread may change it meanwhile. */
    private Conflict escalate(int slot, long seen, long now) {
        long current = seen;
        while (!hotUntil.compareAndSet(slot, current, deadline(now))) {
            current = hotUntil.get(slot);
        }
        if (current == COLD) {
            return Conflict.ESCALATED;
        }
        // hot already (another thread escalated it meanwhile), or hot once and its cool-down passed unnoticed
        return now - current < 0 ? Conflict.RENEWED : Conflict.COOLED_DOWN_AND_ESCALATED;
    }

    private long deadline(long now) {
        long deadline = now + coolDownNanos;
        return deadline == COLD ? 1 : deadline;
    }

    @Override
    public String toString() {
        int hot = 0;
        for (int i = 0; i < slots; i++) {
            hot += hot(i) ? 1 : 0;
        }
        return "ContentionSlots[" + slots + " slots, " + hot + " hot]";
    }
}
