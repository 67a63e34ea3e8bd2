package dev.occ;

import static dev.occ.Occ.optimistic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.postgres.TestDatabaseExtension;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;
import org.jooq.impl.Internal;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every Java type a version column may have moves on, matches what was read and reports a stale
 * version, on PostgreSQL: {@code smallint} as {@code Short}, {@code timestamp} as
 * {@code LocalDateTime}, {@code timestamptz} as {@code Instant} and {@code timestamp} as
 * {@code java.sql.Timestamp} ({@code int}, {@code bigint} and {@code timestamptz} as
 * {@code OffsetDateTime} run in {@code LockingUpdateTest}). The tables are this test's own, declared
 * by hand as jOOQ would generate them.
 */
class VersionColumnTypesTest {

    /** A table {@code (id int primary key, note text, version <type> not null)}. */
    static final class Versioned<V> extends TableImpl<Record> {
        final TableField<Record, Integer> ID = createField(DSL.name("id"), SQLDataType.INTEGER.nullable(false), this);
        final TableField<Record, String> NOTE = createField(DSL.name("note"), SQLDataType.CLOB, this);
        final TableField<Record, V> VERSION;
        private final UniqueKey<Record> pk;

        Versioned(String name, DataType<V> versionType) {
            super(DSL.name(name));
            VERSION = createField(DSL.name("version"), versionType.nullable(false), this);
            pk = Internal.createUniqueKey(this, ID);
        }

        @Override
        public UniqueKey<Record> getPrimaryKey() {
            return pk;
        }
    }

    static final Versioned<Short> SMALLINT = new Versioned<>("version_smallint", SQLDataType.SMALLINT);
    static final Versioned<LocalDateTime> LOCAL = new Versioned<>("version_timestamp", SQLDataType.LOCALDATETIME(6));
    static final Versioned<Instant> INSTANT = new Versioned<>("version_instant", SQLDataType.INSTANT(6));
    static final Versioned<Timestamp> SQL_TIMESTAMP = new Versioned<>("version_sql_timestamp", SQLDataType.TIMESTAMP(6));

    @RegisterExtension
    static final TestDatabaseExtension DATABASE = TestDatabaseExtension.migrated();
    static DSLContext ctx;
    static LockingDSLContext db;

    @BeforeAll
    static void tables() {
        ctx = DSL.using(DATABASE.dataSource(), SQLDialect.POSTGRES);
        db = Occ.using(ctx);
        // dropped first: the tables start empty however often the class runs on one database
        for (String table : new String[] {"version_smallint smallint", "version_timestamp timestamp",
                "version_instant timestamptz", "version_sql_timestamp timestamp"}) {
            String[] nameAndType = table.split(" ");
            ctx.execute("drop table if exists " + nameAndType[0]);
            ctx.execute("create table " + nameAndType[0] + " (id int primary key, note text, version "
                    + nameAndType[1] + " not null)");
        }
    }

    /**
     * Inserts row {@code id} at {@code first}, updates it under a lock on what was read, and checks
     * that the version moved on to what the database stored and that the old version now conflicts.
     *
     * @return the stored version after the update
     */
    private static <V extends Comparable<? super V>> V movesOnAndRefusesTheOldVersion(Versioned<V> t, int id, V first) {
        ctx.insertInto(t, t.ID, t.NOTE, t.VERSION).values(id, "first", first).execute();
        V read = ctx.fetchValue(t.VERSION, t.ID.eq(id));
        assertEquals(first, read, "the value round-trips");

        V next = db.update(t).set(t.NOTE, "second").where(t.ID.eq(id))
                .lockingPolicy(optimistic(t.VERSION, read)).returning(t.VERSION).fetchOne().get(t.VERSION);
        assertTrue(next.compareTo(read) > 0, next + " after " + read);
        assertEquals(next, ctx.fetchValue(t.VERSION, t.ID.eq(id)), "the returned version is the stored one");

        // execute() without returning: the direct path for counters, jOOQ's execution for timestamps
        assertEquals(1, db.update(t).set(t.NOTE, "third").where(t.ID.eq(id))
                .lockingPolicy(optimistic(t.VERSION, next)).execute());
        V stored = ctx.fetchValue(t.VERSION, t.ID.eq(id));
        assertTrue(stored.compareTo(next) > 0, stored + " after " + next);

        ConflictException e = assertThrows(ConflictException.class, () -> db.update(t).set(t.NOTE, "lost")
                .where(t.ID.eq(id)).lockingPolicy(optimistic(t.VERSION, read)).execute());
        assertEquals(ConflictException.Kind.VERSION_CHANGED, e.kind());
        assertEquals(read, e.expectedVersion());
        assertEquals(stored, e.actualVersion());
        assertEquals("id = " + id, e.key());
        assertEquals("third", ctx.fetchValue(t.NOTE, t.ID.eq(id)));
        return stored;
    }

    @Test
    void smallintCountersCountUpByOne() {
        assertEquals((short) 9, movesOnAndRefusesTheOldVersion(SMALLINT, 1, (short) 7));
    }

    @Test
    void aSmallintCounterAtItsMaximumCannotMoveOn() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> optimistic(SMALLINT.VERSION, Short.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("version column version_smallint.version holds 32767, the largest "
                + "smallint"), e.getMessage());
        assertEquals(1, movesOnAndRefusesTheOldVersion(SMALLINT, 2, (short) (Short.MAX_VALUE - 2))
                .compareTo((short) (Short.MAX_VALUE - 1)), "32766 is still a version");
    }

    /** A timestamp version moves to the statement's time, not just one microsecond past the old value. */
    private static <V extends Comparable<? super V>> void movesToNow(Versioned<V> t, int id, V longAgo, V now) {
        V stored = movesOnAndRefusesTheOldVersion(t, id, longAgo);
        assertTrue(stored.compareTo(now) >= 0, stored + " is the time of the update, not " + longAgo + " + 2 µs");
    }

    @Test
    void timestampVersionsAsLocalDateTime() {
        LocalDateTime dbNow = ctx.fetchValue(DSL.currentLocalDateTime());
        movesToNow(LOCAL, 1, LocalDateTime.parse("2001-02-03T04:05:06.123456"), dbNow.minusSeconds(1));
    }

    @Test
    void timestampVersionsAsInstant() {
        movesToNow(INSTANT, 1, Instant.parse("2001-02-03T04:05:06.123456Z"), Instant.now().minus(Duration.ofHours(1)));
    }

    @Test
    void timestampVersionsAsSqlTimestamp() {
        Timestamp dbNow = ctx.fetchValue(DSL.currentTimestamp());
        movesToNow(SQL_TIMESTAMP, 1, Timestamp.valueOf("2001-02-03 04:05:06.123456"),
                new Timestamp(dbNow.getTime() - 1000));
    }

    /** Within one transaction {@code current_timestamp} stands still; each version is still later. */
    @Test
    void timestampVersionsMoveOnTwiceInOneTransaction() {
        ctx.insertInto(INSTANT, INSTANT.ID, INSTANT.NOTE, INSTANT.VERSION)
                .values(2, "first", Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS)).execute();
        Instant read = ctx.fetchValue(INSTANT.VERSION, INSTANT.ID.eq(2));
        Instant last = ctx.transactionResult(cfg -> {
            Instant v = read;
            for (int i = 0; i < 2; i++) {
                v = Occ.using(cfg).update(INSTANT).set(INSTANT.NOTE, "in a transaction").where(INSTANT.ID.eq(2))
                        .lockingPolicy(optimistic(INSTANT.VERSION, v)).returning().fetchOne().get(INSTANT.VERSION);
            }
            return v;
        });
        assertEquals(read.plus(2, ChronoUnit.MICROS), last, "a version in the future moves on by one microsecond");
    }

    @Test
    void expectedTimestampsFinerThanMicrosecondsAreRefused() {
        Timestamp nanos = Timestamp.valueOf("2001-02-03 04:05:06.123456789");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> optimistic(SQL_TIMESTAMP.VERSION, nanos));
        assertTrue(e.getMessage().startsWith("expected version 2001-02-03 04:05:06.123456789 of "
                + "version_sql_timestamp.version is finer than PostgreSQL's microsecond precision"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> optimistic(LOCAL.VERSION, LocalDateTime.parse("2001-02-03T04:05:06.000000001")));
        assertThrows(IllegalArgumentException.class,
                () -> optimistic(INSTANT.VERSION, Instant.parse("2001-02-03T04:05:06.123456700Z")));
        // microseconds exactly are fine, also as a Timestamp
        optimistic(SQL_TIMESTAMP.VERSION, Timestamp.valueOf("2001-02-03 04:05:06.123456"));
        optimistic(INSTANT.VERSION, Instant.parse("2001-02-03T04:05:06.123456Z"));
    }
}
