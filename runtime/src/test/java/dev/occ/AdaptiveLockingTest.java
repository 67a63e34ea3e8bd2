package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.PLAYER;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.PlayerRecord;
import dev.occ.test.db.tables.records.ResourceRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.Record;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#15] The adaptive policy on PostgreSQL: exact sums when 8 threads race on 1 and on 1000 hot
 * rows, a key that escalates after its threshold and cools down after its cool-down (seen by the
 * listeners and in the SQL the reads send), a cold key that stays optimistic beside a hot one,
 * state kept per slot (so the memory is fixed), and misuse that fails before any SQL runs.
 */
class AdaptiveLockingTest {

    @RegisterExtension
    static final RaceExtension race = RaceExtension.withMainSession("occ-adaptive-main");
    /** Setup, checks, and the other side of a conflict: autocommit. */
    static final DSLContext ctx = race.ctx();
    /** The deterministic tests' units run on this session. */
    static final Race.Session worker = race.hold("occ-adaptive-worker");

    /** Units per thread in the races: a few seconds in all on a shared 2-core machine. */
    static final int UNITS = Integer.getInteger("occ.race.adaptiveUnits", 100);

    // -------------------------------------------------------------------------------- the README's example

    // The example of the README's section "Adaptive locking";
    // theReadmeShowsThisTestedExample keeps the two equal.
    static final RetryPolicy RETRY = RetryPolicy.builder()
            .withMaxAttempts(100)
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(50))
            .withMaxDuration(null)
            .build();

    static final AdaptiveLocking<PlayerRecord> ADAPTIVE = Occ.adaptive(PLAYER)
            .onEscalate(event -> System.out.println(event))
            .onCoolDown(event -> System.out.println(event))
            .build();

    static void score(DSLContext ctx, int playerId, int points) {
        RETRY.transaction(ctx, cfg -> {
            LockingDSLContext db = Occ.using(cfg);
            // select .. where id = ?, and select .. where id = ? for update while the player is hot
            PlayerRecord player = db.fetchOne(PLAYER, PLAYER.ID.eq(playerId), ADAPTIVE);
            db.update(PLAYER)
                    .set(PLAYER.NUM_POINTS, player.getNumPoints() + points)
                    .where(PLAYER.ID.eq(playerId))
                    .lockingPolicy(ADAPTIVE.optimistic(PLAYER.UPDATED_AT, player.getUpdatedAt()))
                    .execute();
        });
    }

    @Test
    void theReadmeShowsThisTestedExample() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int section = readme.indexOf("### Adaptive locking");
        assertTrue(section >= 0, "README.md has no section 'Adaptive locking'");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        List<String> shown = lines(readme.substring(start, readme.indexOf("```", start)));
        List<String> tested = lines(Files.readString(Path.of("src/test/java/dev/occ/AdaptiveLockingTest.java")));
        assertTrue(shown.size() > 10 && Collections.indexOfSubList(tested, shown) >= 0,
                "the README's example is not AdaptiveLockingTest's RETRY, ADAPTIVE and score:\n" + String.join("\n", shown));
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    @Test
    void theReadmeExampleScoresEveryPointOnOneHotPlayer() {
        int id = PointsGame.create(ctx, 1, 0).players.get(0);
        Race.run("adaptive-readme", 4, w -> {
            try (Race.Session session = race.session(Race.WORKER_APPLICATION)) {
                for (int i = 0; i < UNITS / 2; i++) {
                    score(session.ctx(), id, 2);
                }
            }
            return null;
        });
        assertEquals(4 * (UNITS / 2) * 2, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id)));
    }

    // -------------------------------------------------------------------------------- helpers

    /** Records the events a listener sees, and the SQL of the reads a context sends. */
    static final class Seen implements ExecuteListener {
        final ConcurrentLinkedQueue<AdaptiveEvent> events = new ConcurrentLinkedQueue<>();
        final LongAdder plainReads = new LongAdder();
        final LongAdder lockedReads = new LongAdder();
        volatile String lastRead = "";

        @Override
        public void executeStart(ExecuteContext ctx) {
            String sql = ctx.sql();
            // the adaptive read selects the whole row; the conflict's diagnosis only the key and the version
            if (sql != null && sql.startsWith("select \"public\".\"player\".\"id\", \"public\".\"player\".\"team_id\"")) {
                lastRead = sql;
                (sql.endsWith(" for update") ? lockedReads : plainReads).increment();
            }
        }

        /** A context over {@code base} whose statements this records. */
        DSLContext on(DSLContext base) {
            return DSL.using(base.configuration().derive(this));
        }

        List<AdaptiveEvent> of(String key) {
            return events.stream().filter(e -> e.key().equals(key)).toList();
        }
    }

    /** An adaptive object whose events go to {@code seen}. */
    static AdaptiveLocking.Builder<PlayerRecord> adaptive(Seen seen) {
        return Occ.adaptive(PLAYER).onEscalate(seen.events::add).onCoolDown(seen.events::add);
    }

    /** The unit of one increment through {@code adaptive}: read, then write n + 1 under its optimistic policy. */
    static void increment(Configuration cfg, AdaptiveLocking<PlayerRecord> adaptive, int id) {
        LockingDSLContext db = Occ.using(cfg);
        PlayerRecord p = db.fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive);
        db.update(PLAYER).set(PLAYER.NUM_POINTS, p.getNumPoints() + 1).where(PLAYER.ID.eq(id))
                .lockingPolicy(adaptive.optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute();
    }

    /** One increment in a transaction of its own on {@code on}. */
    static void increment(DSLContext on, AdaptiveLocking<PlayerRecord> adaptive, int id) {
        on.transaction(cfg -> increment(cfg, adaptive, id));
    }

    /**
     * One unit that certainly conflicts: it reads the row, another session (the main one, in
     * autocommit) moves its version on, and then the unit's update finds it moved. Only for a cold
     * key: a hot key's read would lock the row, and the other session would wait for this thread.
     */
    static ConflictException conflictOnce(DSLContext on, AdaptiveLocking<PlayerRecord> adaptive, int id) {
        return assertThrows(ConflictException.class, () -> on.transaction(cfg -> {
            LockingDSLContext db = Occ.using(cfg);
            PlayerRecord p = db.fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive);
            Occ.using(ctx).update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(0)).where(PLAYER.ID.eq(id))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute();
            db.update(PLAYER).set(PLAYER.NUM_POINTS, p.getNumPoints() + 1).where(PLAYER.ID.eq(id))
                    .lockingPolicy(adaptive.optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute();
        }));
    }

    private static RetryPolicy retry(LongAdder retries) {
        return RetryPolicy.builder().withMaxAttempts(1000).withBackoff(Duration.ofMillis(1), Duration.ofMillis(30))
                .withMaxDuration(null).onRetry(e -> retries.increment()).build();
    }

    private static Map<Integer, Integer> merge(Map<Integer, Integer> initial, List<Map<Integer, Integer>> perWorker) {
        Map<Integer, Integer> all = new TreeMap<>(initial);
        perWorker.forEach(m -> m.forEach((id, n) -> all.merge(id, n, Integer::sum)));
        return all;
    }

    // -------------------------------------------------------------------------------- escalation and cool-down

    @Test
    void aKeyEscalatesAtItsThresholdAndCoolsDownAfterItsCoolDown() throws Exception {
        int id = PointsGame.create(ctx, 1, 0).players.get(0);
        Seen seen = new Seen();
        AdaptiveLocking<PlayerRecord> adaptive = adaptive(seen).withConflictThreshold(3, 10)
                .withCoolDown(Duration.ofMillis(400)).build();
        DSLContext on = seen.on(worker.ctx());
        String key = "id = " + id;

        conflictOnce(on, adaptive, id);
        conflictOnce(on, adaptive, id);
        assertEquals(List.of(), List.copyOf(seen.events), "2 conflicts of 10 attempts: still optimistic");
        increment(on, adaptive, id);
        assertEquals(0, seen.lockedReads.sum(), "every read so far was plain: " + seen.lastRead);

        ConflictException third = conflictOnce(on, adaptive, id);
        assertEquals(ConflictException.Kind.VERSION_CHANGED, third.kind(), "the conflict still reaches the caller");
        List<AdaptiveEvent> events = List.copyOf(seen.events);
        assertEquals(1, events.size(), "one escalation: " + events);
        AdaptiveEvent escalated = events.get(0);
        assertEquals(AdaptiveEvent.Type.ESCALATED, escalated.type());
        assertEquals(PLAYER, escalated.table());
        assertEquals(key, escalated.key());
        assertEquals(3, escalated.conflicts());
        assertEquals(4, escalated.attempts(), "3 conflicts and 1 success so far");
        assertTrue(escalated.slot() >= 0 && escalated.slot() < adaptive.slots(), escalated.toString());
        assertEquals("ESCALATED public.player (" + key + ", slot " + escalated.slot()
                + "): 3 of 4 optimistic updates conflicted", escalated.toString());

        long escalatedAt = System.nanoTime();
        increment(on, adaptive, id);
        increment(on, adaptive, id);
        assertEquals(2, seen.lockedReads.sum(), "the hot key's reads lock: " + seen.lastRead);
        assertTrue(seen.lastRead.endsWith(" for update"), seen.lastRead);
        if (System.nanoTime() - escalatedAt < Duration.ofMillis(400).toNanos()) {
            assertEquals(1, seen.events.size(), "no cool-down within the cool-down");
        }

        Thread.sleep(450);
        increment(on, adaptive, id);
        events = List.copyOf(seen.events);
        assertEquals(2, events.size(), "then a cool-down: " + events);
        assertEquals(AdaptiveEvent.Type.COOLED_DOWN, events.get(1).type());
        assertEquals(key, events.get(1).key());
        assertEquals(escalated.slot(), events.get(1).slot());
        assertFalse(seen.lastRead.endsWith(" for update"), "after the cool-down the read is plain: " + seen.lastRead);

        // and the counting starts afresh: 2 conflicts do not escalate it again
        conflictOnce(on, adaptive, id);
        conflictOnce(on, adaptive, id);
        assertEquals(2, seen.events.size(), "a fresh run after the cool-down: " + seen.events);
        assertEquals(4, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id)), "4 increments committed");
    }

    /** [occ#15] The read of some columns: plain while cold, under the lock while hot, the same counting. */
    @Test
    void aReadOfSomeColumnsLocksAsTheReadOfTheRowDoes() {
        int id = PointsGame.create(ctx, 1, 0).players.get(0);
        List<String> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
        DSLContext on = DSL.using(worker.ctx().configuration().derive(new ExecuteListener() {
            @Override
            public void executeStart(ExecuteContext c) {
                if (c.sql() != null && c.sql().startsWith("select \"public\".\"player\".\"num_points\"")) {
                    reads.add(c.sql());
                }
            }
        }));
        AdaptiveLocking<PlayerRecord> adaptive = Occ.adaptive(PLAYER).withConflictThreshold(1, 1).build();
        Runnable unit = () -> on.transaction(cfg -> {
            LockingDSLContext db = Occ.using(cfg);
            org.jooq.Record p = db.fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive, PLAYER.NUM_POINTS, PLAYER.UPDATED_AT);
            assertEquals(2, p.size(), "just the columns asked for");
            db.update(PLAYER).set(PLAYER.NUM_POINTS, p.get(PLAYER.NUM_POINTS) + 1).where(PLAYER.ID.eq(id))
                    .lockingPolicy(adaptive.optimistic(PLAYER.UPDATED_AT, p.get(PLAYER.UPDATED_AT))).execute();
        });
        unit.run();
        assertEquals(1, reads.size());
        assertFalse(reads.get(0).endsWith(" for update"), reads.get(0));
        assertEquals("select \"public\".\"player\".\"num_points\", \"public\".\"player\".\"updated_at\" from "
                + "\"public\".\"player\" where \"public\".\"player\".\"id\" = ?", reads.get(0));

        // one conflict of one attempt escalates the key; the next column read locks the row
        assertThrows(ConflictException.class, () -> on.transaction(cfg -> {
            LockingDSLContext db = Occ.using(cfg);
            org.jooq.Record p = db.fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive, PLAYER.NUM_POINTS, PLAYER.UPDATED_AT);
            Occ.using(ctx).update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(0)).where(PLAYER.ID.eq(id))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, p.get(PLAYER.UPDATED_AT))).execute();
            db.update(PLAYER).set(PLAYER.NUM_POINTS, p.get(PLAYER.NUM_POINTS) + 1).where(PLAYER.ID.eq(id))
                    .lockingPolicy(adaptive.optimistic(PLAYER.UPDATED_AT, p.get(PLAYER.UPDATED_AT))).execute();
        }));
        unit.run();
        assertTrue(reads.get(reads.size() - 1).endsWith(" for update"), reads.toString());
        assertEquals(2, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id)), "two increments committed");

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> on.transaction(cfg ->
                Occ.using(cfg).fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive, new org.jooq.SelectField<?>[0])));
        assertTrue(none.getMessage().contains("none were given"), none.getMessage());
    }

    @Test
    void aConflictWhileHotStartsTheCoolDownAgain() throws Exception {
        int id = PointsGame.create(ctx, 1, 0).players.get(0);
        Seen seen = new Seen();
        Duration coolDown = Duration.ofMillis(1500);
        AdaptiveLocking<PlayerRecord> adaptive = adaptive(seen).withConflictThreshold(1, 1).withCoolDown(coolDown)
                .build();
        DSLContext on = seen.on(worker.ctx());
        // a unit that read the row before the escalation, and updates after it: a conflict while hot
        PlayerRecord stale = ctx.fetchSingle(PLAYER, PLAYER.ID.eq(id));
        conflictOnce(on, adaptive, id);
        long escalated = System.nanoTime();
        assertEquals(1, seen.events.size(), "1 conflict of 1 attempt escalates");

        Thread.sleep(800);
        assertThrows(ConflictException.class, () -> worker.ctx().transaction(cfg -> Occ.using(cfg).update(PLAYER)
                .set(PLAYER.NUM_POINTS, 100).where(PLAYER.ID.eq(id))
                .lockingPolicy(adaptive.optimistic(PLAYER.UPDATED_AT, stale.getUpdatedAt())).execute()));
        long renewed = System.nanoTime();
        assertTrue(renewed - escalated < coolDown.toNanos(), "the machine is too slow for this test's timing");
        assertEquals(1, seen.events.size(), "renewing is no event: " + seen.events);

        // past the first cool-down, within the renewed one
        Thread.sleep(Math.max(0, Duration.ofNanos(escalated + coolDown.toNanos() + 200_000_000 - System.nanoTime())
                .toMillis()));
        increment(on, adaptive, id);
        if (System.nanoTime() - renewed < coolDown.toNanos()) {
            assertTrue(seen.lastRead.endsWith(" for update"), "the conflict renewed the cool-down: " + seen.lastRead);
            assertEquals(1, seen.events.size(), seen.events.toString());
        }
        Thread.sleep(Math.max(0, Duration.ofNanos(renewed + coolDown.toNanos() + 100_000_000 - System.nanoTime())
                .toMillis()));
        increment(on, adaptive, id);
        assertEquals(AdaptiveEvent.Type.COOLED_DOWN, List.copyOf(seen.events).get(1).type(), seen.events.toString());
        assertFalse(seen.lastRead.endsWith(" for update"), seen.lastRead);
        assertEquals(2, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id)));
    }

    @Test
    void aHotKeyEscalatesUnderContentionAColdKeyBesideItStaysOptimisticAndTheHotOneCoolsDownAfter()
            throws Exception {
        PointsGame game = PointsGame.create(ctx, 2, 0);
        int hot = game.players.get(0);
        int cold = game.players.get(1);
        Seen seen = new Seen();
        Seen hotReads = new Seen();
        Seen coldReads = new Seen();
        // many slots: the two keys share none (a shared slot is tested below)
        AdaptiveLocking<PlayerRecord> adaptive = adaptive(seen).withCoolDown(Duration.ofMillis(300))
                .withSlots(1 << 20).build();
        LongAdder retries = new LongAdder();
        RetryPolicy retry = retry(retries);
        AtomicBoolean hotDone = new AtomicBoolean();
        int threads = 5;

        List<Integer> made = Race.run("adaptive-hot-and-cold", threads, w -> {
            try (Race.Session session = race.session(Race.WORKER_APPLICATION)) {
                int n = 0;
                if (w == 0) { // the cold key: one writer, as long as the hot key is contended
                    DSLContext on = coldReads.on(session.ctx());
                    while (!hotDone.get()) {
                        retry.transaction(on, cfg -> increment(cfg, adaptive, cold));
                        n++;
                        Thread.sleep(2);
                    }
                } else {
                    DSLContext on = hotReads.on(session.ctx());
                    for (int i = 0; i < UNITS; i++) {
                        retry.transaction(on, cfg -> increment(cfg, adaptive, hot));
                        n++;
                    }
                    hotDone.set(true);
                }
                return n;
            }
        });

        int hotMade = made.subList(1, threads).stream().mapToInt(Integer::intValue).sum();
        int coldMade = made.get(0);
        assertEquals(hotMade, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(hot)), "no increment of the hot key lost");
        assertEquals(coldMade, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(cold)), "nor of the cold one");

        List<AdaptiveEvent> hotEvents = seen.of("id = " + hot);
        assertFalse(hotEvents.isEmpty(), "4 threads on one key never escalated it");
        assertEquals(AdaptiveEvent.Type.ESCALATED, hotEvents.get(0).type());
        for (int i = 0; i < hotEvents.size(); i++) {
            assertEquals(i % 2 == 0 ? AdaptiveEvent.Type.ESCALATED : AdaptiveEvent.Type.COOLED_DOWN,
                    hotEvents.get(i).type(), "escalations and cool-downs alternate: " + hotEvents);
        }
        assertTrue(hotReads.lockedReads.sum() > hotReads.plainReads.sum(), "most of the hot key's reads locked it: "
                + hotReads.lockedReads.sum() + " locked, " + hotReads.plainReads.sum() + " plain");
        assertEquals(List.of(), seen.of("id = " + cold), "the cold key never escalated");
        assertEquals(0, coldReads.lockedReads.sum(), "the cold key was never read under a lock");
        assertTrue(coldReads.plainReads.sum() > 0, "the cold key was read");

        // contention stops: after the cool-down the hot key's next read is plain, and says so
        Thread.sleep(350);
        DSLContext on = hotReads.on(worker.ctx());
        increment(on, adaptive, hot);
        List<AdaptiveEvent> after = seen.of("id = " + hot);
        assertEquals(AdaptiveEvent.Type.COOLED_DOWN, after.get(after.size() - 1).type(), after.toString());
        assertFalse(hotReads.lastRead.endsWith(" for update"), hotReads.lastRead);
        Race.report("adaptive, 4 threads on a hot key, 1 on a cold one: %d + %d increments, %d retries, events %s, "
                + "hot key's reads %d locked and %d plain", hotMade, coldMade, retries.sum(), after,
                hotReads.lockedReads.sum(), hotReads.plainReads.sum());
    }

    // -------------------------------------------------------------------------------- exact sums

    @Test
    void eightThreadsOnOneHotRowLoseNothing() {
        PointsGame counters = PointsGame.create(ctx, 1, 0);
        int id = counters.players.get(0);
        Seen seen = new Seen();
        AdaptiveLocking<PlayerRecord> adaptive = adaptive(seen).build();
        LongAdder retries = new LongAdder();
        RetryPolicy retry = retry(retries);
        long start = System.nanoTime();
        Race.run("adaptive-1", Race.THREADS, w -> {
            try (Race.Session session = race.session(Race.WORKER_APPLICATION)) {
                for (int i = 0; i < UNITS; i++) {
                    retry.transaction(session.ctx(), cfg -> increment(cfg, adaptive, id));
                }
            }
            return null;
        });
        int expected = Race.THREADS * UNITS;
        Race.report("adaptive, K=1: %d threads x %d increments = %d, sum %d; %d retries, events %s, %d ms",
                Race.THREADS, UNITS, expected, counters.sum(ctx), retries.sum(), seen.events, Race.millisSince(start));
        assertEquals(expected, counters.sum(ctx), "increments were lost (or made twice)");
        assertFalse(seen.events.isEmpty(), Race.THREADS + " threads on one row never escalated it");
        assertEquals(AdaptiveEvent.Type.ESCALATED, seen.events.peek().type());
        assertTrue(retries.sum() < expected, "escalated, most increments need no retry: " + retries.sum() + " retries");
    }

    @Test
    void eightThreadsOnAThousandHotRowsLoseNothingAndEscalateFew() {
        int rows = 1000;
        PointsGame counters = PointsGame.create(ctx, rows, 0);
        Seen seen = new Seen();
        AdaptiveLocking<PlayerRecord> adaptive = adaptive(seen).build();
        LongAdder retries = new LongAdder();
        RetryPolicy retry = retry(retries);
        long start = System.nanoTime();
        List<Map<Integer, Integer>> done = Race.run("adaptive-1000", Race.THREADS, w -> {
            Map<Integer, Integer> mine = new TreeMap<>();
            Random random = new Random(w);
            try (Race.Session session = race.session(Race.WORKER_APPLICATION)) {
                for (int i = 0; i < UNITS; i++) {
                    int id = counters.players.get(random.nextInt(rows));
                    retry.transaction(session.ctx(), cfg -> increment(cfg, adaptive, id));
                    mine.merge(id, 1, Integer::sum);
                }
            }
            return mine;
        });
        int expected = Race.THREADS * UNITS;
        Race.report("adaptive, K=%d: %d threads x %d increments = %d, sum %d; %d retries, %d events, %d ms", rows,
                Race.THREADS, UNITS, expected, counters.sum(ctx), retries.sum(), seen.events.size(),
                Race.millisSince(start));
        assertEquals(expected, counters.sum(ctx), "increments were lost (or made twice)");
        assertEquals(merge(counters.initial, done), counters.balances(ctx), "each row holds exactly its increments");
        // conflicts are rare on 1000 rows, but not impossible: two of a key's first few updates can meet (and keys
        // share slots), most of all on a loaded machine; a key or two may escalate, never a good part of them
        long escalated = List.copyOf(seen.events).stream().filter(e -> e.type() == AdaptiveEvent.Type.ESCALATED)
                .count();
        assertTrue(escalated <= rows / 100, "conflicts are rare on 1000 rows: few keys escalate, " + seen.events);
    }

    // -------------------------------------------------------------------------------- bounded memory

    @Test
    void stateIsKeptPerSlotSoAKeyNeverSeenSharesItsSlotsState() {
        PointsGame game = PointsGame.create(ctx, 2, 0);
        int seenKey = game.players.get(0);
        int neverSeen = game.players.get(1);
        Seen seen = new Seen();
        AdaptiveLocking<PlayerRecord> one = adaptive(seen).withSlots(1).withConflictThreshold(1, 1).build();
        assertEquals(1, one.slots());
        DSLContext on = seen.on(worker.ctx());

        conflictOnce(on, one, seenKey);
        assertEquals(1, seen.events.size());
        assertEquals(0, seen.events.peek().slot());
        increment(on, one, neverSeen);
        assertTrue(seen.lastRead.endsWith(" for update"), "a key that shares the hot slot reads under the lock too, "
                + "since nothing is kept per key: " + seen.lastRead);
        assertEquals(1, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(neverSeen)));
    }

    @Test
    void theSlotsAreFixedWhenBuilt() {
        assertEquals(1024, Occ.adaptive(PLAYER).build().slots(), "the default");
        assertEquals(1 << 20, Occ.adaptive(PLAYER).withSlots(1 << 20).build().slots(), "the most");
        assertEquals("adaptive(public.player, escalate at 2 conflicts of 32 attempts, cool-down 1000 ms, 1024 slots)",
                Occ.adaptive(PLAYER).build().toString());
        AdaptiveLocking.Builder<PlayerRecord> builder = Occ.adaptive(PLAYER).withSlots(8);
        AdaptiveLocking<PlayerRecord> built = builder.build();
        builder.withSlots(16).withConflictThreshold(1, 1);
        assertEquals(8, built.slots(), "the built object does not change with its builder");
        assertEquals("adaptive(public.player, escalate at 2 conflicts of 32 attempts, cool-down 1000 ms, 8 slots)",
                built.toString());
    }

    // -------------------------------------------------------------------------------- misuse

    /** A hand-written table without a primary key. */
    static final class Keyless extends TableImpl<Record> {
        static final Keyless KEYLESS = new Keyless();
        final TableField<Record, Integer> VERSION = createField(DSL.name("version"), SQLDataType.INTEGER.notNull(), this);

        Keyless() {
            super(DSL.name("keyless"));
        }
    }

    @Test
    void misuseOfTheBuilderFailsWithTheRuleAndTheFix() {
        assertEquals("table cannot be null", assertThrows(NullPointerException.class, () -> Occ.adaptive(null))
                .getMessage());
        assertEquals("adaptive(keyless) tracks conflicts by primary key, but keyless has none; add one (alter table "
                + "keyless add primary key (..)) and regenerate, or declare a synthetic primary key in jOOQ's code "
                + "generator (<syntheticObjects><primaryKeys>)",
                assertThrows(IllegalArgumentException.class, () -> Occ.adaptive(Keyless.KEYLESS)).getMessage());
        AdaptiveLocking.Builder<PlayerRecord> b = Occ.adaptive(PLAYER);
        assertEquals("conflicts cannot be less than 1, but is 0",
                assertThrows(IllegalArgumentException.class, () -> b.withConflictThreshold(0, 10)).getMessage());
        assertEquals("attempts cannot be less than conflicts (3), but is 2: a run of 2 attempts can never hold 3 "
                + "conflicts", assertThrows(IllegalArgumentException.class, () -> b.withConflictThreshold(3, 2))
                        .getMessage());
        assertEquals("coolDown cannot be null",
                assertThrows(NullPointerException.class, () -> b.withCoolDown(null)).getMessage());
        assertEquals("coolDown cannot be less than 1 ms, but is PT0.0009S",
                assertThrows(IllegalArgumentException.class, () -> b.withCoolDown(Duration.ofNanos(900_000))).getMessage());
        assertEquals("coolDown cannot be more than 24 hours, but is PT24H0.001S", assertThrows(
                IllegalArgumentException.class, () -> b.withCoolDown(Duration.ofHours(24).plusMillis(1))).getMessage());
        assertEquals("slots cannot be less than 1, but is 0",
                assertThrows(IllegalArgumentException.class, () -> b.withSlots(0)).getMessage());
        assertEquals("slots cannot be more than 1048576 (16 MiB), but is 1048577",
                assertThrows(IllegalArgumentException.class, () -> b.withSlots((1 << 20) + 1)).getMessage());
        assertEquals("listener cannot be null", assertThrows(NullPointerException.class, () -> b.onEscalate(null))
                .getMessage());
        assertEquals("listener cannot be null", assertThrows(NullPointerException.class, () -> b.onCoolDown(null))
                .getMessage());
        assertNotNull(b.withConflictThreshold(1, 1).withCoolDown(Duration.ofMillis(1)).withSlots(1).build(),
                "the smallest settings are allowed");
    }

    @Test
    void misuseOfTheReadAndTheUpdateFailsBeforeAnySql() {
        int id = PointsGame.create(ctx, 1, 7).players.get(0);
        PlayerRecord p = ctx.fetchSingle(PLAYER, PLAYER.ID.eq(id));
        AdaptiveLocking<PlayerRecord> adaptive = Occ.adaptive(PLAYER).build();
        Databases.StatementCounter statements = new Databases.StatementCounter();
        DSLContext counted = DSL.using(ctx.configuration().derive(statements));
        LockingDSLContext autocommit = Occ.using(counted);

        IllegalStateException outside = assertThrows(IllegalStateException.class,
                () -> autocommit.fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive));
        assertEquals("adaptive(public.player) locks the rows that keep conflicting from their read until the "
                + "transaction ends, but this read of public.player runs on an autocommit connection, where a lock "
                + "would end with its statement; run the unit, read and update, in a RetryPolicy (retry.transaction(ctx, "
                + "cfg -> ..)) or in ctx.transactionResult(cfg -> ..), with Occ.using(cfg)", outside.getMessage());
        IllegalStateException outsideUpdate = assertThrows(IllegalStateException.class, () -> autocommit.update(PLAYER)
                .set(PLAYER.NUM_POINTS, 8).where(PLAYER.ID.eq(id))
                .lockingPolicy(adaptive.optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute());
        assertTrue(outsideUpdate.getMessage().contains("but this update of public.player runs on an autocommit "
                + "connection"), outsideUpdate.getMessage());
        assertEquals(0, statements.reset(), "no statement reached the server");

        counted.transaction(cfg -> {
            LockingDSLContext db = Occ.using(cfg);
            int begun = statements.reset();
            assertEquals("adaptive(public.player) reads one row, named by its primary key (id), but the condition of "
                    + "this read of public.player does not pin every key column with = at its top level; name the row, "
                    + "for example PLAYER.ID.eq(..), with any other condition ANDed beside it",
                    assertThrows(IllegalArgumentException.class,
                            () -> db.fetchOne(PLAYER, PLAYER.NAME.eq(p.getName()), adaptive)).getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> db.fetchOne(PLAYER, PLAYER.ID.eq(id).or(PLAYER.ID.eq(id + 1)), adaptive));
            assertEquals("adaptive(optimistic(public.player.updated_at = " + p.getUpdatedAt() + ")) writes exactly one "
                    + "row, named by its primary key (id), but the where clause of this update of public.player does not "
                    + "pin id with = at its top level; name the row, for example where(PLAYER.ID.eq(..)), with any other "
                    + "condition ANDed beside it", assertThrows(IllegalArgumentException.class, () -> db.update(PLAYER)
                            .set(PLAYER.NUM_POINTS, 8).where(PLAYER.NAME.eq(p.getName()))
                            .lockingPolicy(adaptive.optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt()))).getMessage());

            @SuppressWarnings({ "unchecked", "rawtypes" }) // what the compiler cannot catch: raw types
            AdaptiveLocking<ResourceRecord> foreign = (AdaptiveLocking) adaptive;
            assertEquals("adaptive(public.player) tracks keys of public.player, but this read is of public.resource; "
                    + "read public.resource with an Occ.adaptive(RESOURCE) of its own",
                    assertThrows(IllegalArgumentException.class, () -> db.fetchOne(RESOURCE, RESOURCE.ID.eq(1), foreign))
                            .getMessage());
            assertEquals("adaptive(public.player) tracks keys of public.player, but public.resource.version is a column "
                    + "of public.resource; lock on a column of public.player, or use an Occ.adaptive(RESOURCE) of its own",
                    assertThrows(IllegalArgumentException.class, () -> foreign.optimistic(RESOURCE.VERSION, 1))
                            .getMessage());
            assertThrows(NullPointerException.class, () -> db.fetchOne(PLAYER, null, adaptive));
            assertThrows(NullPointerException.class, () -> db.fetchOne(PLAYER, PLAYER.ID.eq(id), null));
            assertThrows(NullPointerException.class, () -> adaptive.optimistic(PLAYER.UPDATED_AT, null));
            assertEquals(0, statements.reset() - begun, "no statement reached the server");
        });
        assertEquals(7, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id)));
    }

    @Test
    void aListenerThatThrowsChangesNothing() {
        int id = PointsGame.create(ctx, 1, 0).players.get(0);
        Seen seen = new Seen();
        AdaptiveLocking<PlayerRecord> adaptive = Occ.adaptive(PLAYER).withConflictThreshold(1, 1)
                .onEscalate(e -> {
                    seen.events.add(e);
                    throw new IllegalStateException("a broken listener");
                }).build();
        DSLContext on = seen.on(worker.ctx());
        ConflictException conflict = conflictOnce(on, adaptive, id);
        assertEquals(0, conflict.getSuppressed().length, "the listener's exception is logged, not attached");
        assertEquals(1, seen.events.size());
        increment(on, adaptive, id);
        assertTrue(seen.lastRead.endsWith(" for update"), "escalated all the same: " + seen.lastRead);
    }

    @Test
    void theRecordPolicyRefreshesTheRecordAndCountsItsConflicts() {
        int id = PointsGame.create(ctx, 1, 0).players.get(0);
        Seen seen = new Seen();
        AdaptiveLocking<PlayerRecord> adaptive = adaptive(seen).withConflictThreshold(1, 1).build();
        PlayerRecord written = worker.ctx().transactionResult(cfg -> {
            LockingDSLContext db = Occ.using(cfg);
            PlayerRecord p = db.fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive);
            db.update(PLAYER).set(PLAYER.NUM_POINTS, 5).where(PLAYER.ID.eq(id))
                    .lockingPolicy(adaptive.optimistic(p)).execute();
            return p;
        });
        assertEquals(ctx.fetchValue(PLAYER.UPDATED_AT, PLAYER.ID.eq(id)), written.getUpdatedAt(),
                "the record holds the stored version");
        assertEquals("adaptive(optimistic(public.player.updated_at = " + written.getUpdatedAt() + "))",
                adaptive.optimistic(written).toString());
        assertEquals(List.of(), List.copyOf(seen.events));

        // another session writes the row: the record is stale now, and its update conflicts
        Occ.using(ctx).update(PLAYER).set(PLAYER.NUM_POINTS, 6).where(PLAYER.ID.eq(id))
                .lockingPolicy(optimistic(PLAYER.UPDATED_AT, written.getUpdatedAt())).execute();
        assertThrows(ConflictException.class, () -> worker.ctx().transaction(cfg -> Occ.using(cfg).update(PLAYER)
                .set(PLAYER.NUM_POINTS, 7).where(PLAYER.ID.eq(id)).lockingPolicy(adaptive.optimistic(written)).execute()));
        assertEquals(List.of(AdaptiveEvent.Type.ESCALATED), seen.events.stream().map(AdaptiveEvent::type).toList());
        assertEquals(6, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id)));
    }

    @Test
    void aRowThatIsGoneIsNoContention() {
        int id = PointsGame.create(ctx, 1, 0).players.get(0);
        Seen seen = new Seen();
        AdaptiveLocking<PlayerRecord> adaptive = adaptive(seen).withConflictThreshold(1, 1).build();
        PlayerRecord p = ctx.fetchSingle(PLAYER, PLAYER.ID.eq(id));
        ctx.deleteFrom(PLAYER).where(PLAYER.ID.eq(id)).execute();
        ConflictException gone = assertThrows(ConflictException.class, () -> worker.ctx().transaction(cfg ->
                Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, 1).where(PLAYER.ID.eq(id))
                        .lockingPolicy(adaptive.optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute()));
        assertTrue(gone.isRowGone());
        assertEquals(List.of(), List.copyOf(seen.events), "a deleted row does not escalate its key");
        assertNull(worker.ctx().transactionResult(cfg -> Occ.using(cfg).fetchOne(PLAYER, PLAYER.ID.eq(id), adaptive)),
                "the read of a row that is not there is null");
    }
}
