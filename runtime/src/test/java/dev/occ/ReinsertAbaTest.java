package dev.occ;

import static dev.occ.Occ.optimistic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.Record;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;
import org.jooq.impl.Internal;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ABA hole of a counter version that restarts: a row is deleted and a new one with the same key
 * inserted at version 1, and a client that read the old row at version 1 updates "version 1" and
 * overwrites the new row. Threads delete and re-insert a few keys while others update them with
 * versions they read a moment before; each row carries a {@code generation} set at insert, so that
 * every successful update can be checked against the row it overwrote (its {@code returning()} row).
 *
 * <p>With {@code default 1} the race shows the hole: some update succeeds on a row of another
 * generation than the one it read. With the remedy, a version default drawn from a sequence and
 * scaled by 2^32 ({@code nextval('seq') * 4294967296}), each row's lifetime owns a range of versions
 * no other lifetime of any key shares, so no update ever does.
 */
class ReinsertAbaTest {

    /** A table this test creates: id, a bigint counter version, the generation set at insert, a payload. */
    static final class Versioned extends TableImpl<Record> {
        private static final long serialVersionUID = 1L;
        final TableField<Record, Integer> id = createField(DSL.name("id"), SQLDataType.INTEGER.nullable(false), this, "");
        final TableField<Record, Long> version = createField(DSL.name("version"), SQLDataType.BIGINT.nullable(false),
                this, "");
        final TableField<Record, UUID> generation = createField(DSL.name("generation"),
                SQLDataType.UUID.nullable(false), this, "");
        final TableField<Record, String> payload = createField(DSL.name("payload"), SQLDataType.CLOB, this, "");

        Versioned(String name) {
            super(DSL.name(name));
        }

        @Override
        public UniqueKey<Record> getPrimaryKey() {
            return Internal.createUniqueKey(this, DSL.name(getName() + "_pkey"), id);
        }
    }

    static final int KEYS = 3;
    static final int UPDATES_PER_THREAD = Math.max(200, Race.INCREMENTS / 2);

    @RegisterExtension
    static final RaceExtension race = RaceExtension.withMainSession("occ-aba-main");
    static final DSLContext ctx = race.ctx();

    /** What one race found. */
    record Outcome(int updated, int overwroteAnotherGeneration, int conflicts, int reinserts, int notFound) {
    }

    private static Versioned create(String name, String versionDefault) {
        ctx.execute("create table " + name + " (id integer primary key, version bigint not null default "
                + versionDefault + ", generation uuid not null default gen_random_uuid(), payload text)");
        for (int k = 0; k < KEYS; k++) {
            ctx.execute("insert into " + name + " (id) values (" + k + ")");
        }
        return new Versioned(name);
    }

    /**
     * Half of the threads (at least one) delete and re-insert the keys; the others read a row, wait
     * up to a millisecond, and update it with the version they read.
     */
    private static Outcome race(Versioned t) {
        int reinserters = Math.min(KEYS, Math.max(1, Race.THREADS / 4));
        int updaters = Math.max(1, Race.THREADS - reinserters);
        AtomicInteger updatersLeft = new AtomicInteger(updaters);
        long start = System.nanoTime();
        List<int[]> results = Race.run("aba-" + t.getName(), reinserters + updaters, worker -> {
            int[] counts = new int[5]; // updated, overwrote another generation, conflicts, re-inserts, not found
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try (Race.Session session = race.session(Race.WORKER_APPLICATION)) {
                DSLContext db = session.ctx();
                if (worker < reinserters) {
                    while (updatersLeft.get() > 0) {
                        int key = worker + reinserters * random.nextInt((KEYS - worker + reinserters - 1) / reinserters);
                        db.transaction(cfg -> { // each key has one re-inserter: no two insert it at once
                            cfg.dsl().deleteFrom(t).where(t.id.eq(key)).execute();
                            cfg.dsl().insertInto(t, t.id).values(key).execute();
                        });
                        counts[3]++;
                    }
                    return counts;
                }
                try {
                    for (int i = 0; i < UPDATES_PER_THREAD; i++) {
                        int key = random.nextInt(KEYS);
                        Record2<Long, UUID> read = db.select(t.version, t.generation).from(t).where(t.id.eq(key))
                                .fetchOne();
                        if (read == null) {
                            counts[4]++;
                            continue;
                        }
                        if (random.nextBoolean()) {
                            Thread.sleep(1); // the user thinks
                        }
                        try {
                            Record written = Occ.using(db).update(t).set(t.payload, "written by " + worker)
                                    .where(t.id.eq(key)).lockingPolicy(optimistic(t.version, read.value1()))
                                    .returning().fetchOne();
                            counts[0]++;
                            if (!read.value2().equals(written.get(t.generation))) {
                                counts[1]++; // a stale update of the old row overwrote the re-inserted one
                            }
                        } catch (ConflictException e) {
                            counts[2]++;
                        }
                    }
                } finally {
                    updatersLeft.decrementAndGet();
                }
            }
            return counts;
        });
        int[] sum = new int[5];
        results.forEach(c -> {
            for (int i = 0; i < 5; i++) {
                sum[i] += c[i];
            }
        });
        Outcome outcome = new Outcome(sum[0], sum[1], sum[2], sum[3], sum[4]);
        Race.report("delete and re-insert on %s, %d keys, %d updaters x %d: %d updates written, %d of them over a "
                + "re-inserted row (ABA), %d conflicts, %d re-inserts; %d ms", t.getName(), KEYS, updaters,
                UPDATES_PER_THREAD, outcome.updated(), outcome.overwroteAnotherGeneration(), outcome.conflicts(),
                outcome.reinserts(), Race.millisSince(start));
        assertEquals(0, outcome.notFound(), "each delete and its insert commit together, so a read finds a row");
        assertEquals(updaters * UPDATES_PER_THREAD, outcome.updated() + outcome.conflicts(),
                "every update was written or refused, once");
        return outcome;
    }

    @Test
    void aVersionThatRestartsAtOneLetsAStaleUpdateOverwriteAReInsertedRow() {
        Outcome plain = race(create("aba_plain", "1"));

        assertTrue(plain.reinserts() > 0, "rows were re-inserted: " + plain);
        assertTrue(plain.overwroteAnotherGeneration() > 0,
                "the hole: some update read version v of one row and wrote over a later row with the same key "
                        + "and the same version v: " + plain);
    }

    @Test
    void aVersionDrawnFromASequenceNeverDoes() {
        ctx.execute("create sequence aba_remedy_generation_seq");
        Outcome remedy = race(create("aba_remedy", "nextval('aba_remedy_generation_seq') * 4294967296"));

        assertTrue(remedy.reinserts() > 0, "rows were re-inserted: " + remedy);
        assertTrue(remedy.updated() > 0 && remedy.conflicts() > 0, "both outcomes happened: " + remedy);
        assertEquals(0, remedy.overwroteAnotherGeneration(),
                "every update that was written overwrote the very row whose version it had read: " + remedy);
    }
}
