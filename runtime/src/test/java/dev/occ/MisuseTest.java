package dev.occ;

import static dev.occ.Occ.compareAndSet;
import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.PLAYER;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.occ.test.db.tables.records.ResourceRecord;
import java.time.OffsetDateTime;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.junit.jupiter.api.Test;

/** Every misuse fails fast with a message that names the thing and the fix; none needs a database. */
class MisuseTest {

    final LockingDSLContext db = Occ.using(DSL.using(SQLDialect.POSTGRES));

    /** A hand-written table whose version column is nullable, as a legacy schema might have. */
    static final class Legacy extends TableImpl<Record> {
        static final Legacy LEGACY = new Legacy();
        final TableField<Record, Integer> VERSION = createField(DSL.name("version"), SQLDataType.INTEGER.nullable(true), this);

        Legacy() {
            super(DSL.name("legacy"));
        }
    }

    @Test
    void nullExpectedVersion() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> optimistic(RESOURCE.VERSION, null));
        assertEquals("expectedVersion cannot be null: pass the version of public.resource.version read with the row "
                + "(a new row needs no lock: insert it)", e.getMessage());
        assertThrows(NullPointerException.class, () -> compareAndSet(PLAYER.NUM_POINTS, null));
    }

    @Test
    void nullableVersionColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> optimistic(Legacy.LEGACY.VERSION, 1));
        assertEquals("version column legacy.version is nullable; declare it NOT NULL (alter table legacy alter column "
                + "version set not null) and regenerate, or lock with compareAndSet(..)", e.getMessage());
    }

    @Test
    void versionColumnOfAnotherTable() {
        @SuppressWarnings({ "unchecked", "rawtypes" }) // what the compiler cannot catch: raw types
        LockingPolicy<ResourceRecord> foreign = (LockingPolicy) optimistic(PLAYER.UPDATED_AT, OffsetDateTime.parse("2026-01-01T00:00:00Z"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                db.update(RESOURCE).set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(1)).lockingPolicy(foreign));
        assertEquals("optimistic(public.player.updated_at = 2026-01-01T00:00Z) locks on public.player.updated_at, a column "
                + "of public.player, but the statement writes to public.resource; lock on a column of public.resource",
                e.getMessage());
    }

    @Test
    void settingTheVersionByHand() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                db.update(RESOURCE).set(RESOURCE.VERSION, 9).where(RESOURCE.ID.eq(1))
                        .lockingPolicy(optimistic(RESOURCE.VERSION, 1)));
        assertEquals("update sets version column public.resource.version by hand, but "
                + "optimistic(public.resource.version = 1) moves it on itself; remove set(VERSION, ..) from the update",
                e.getMessage());
    }

    @Test
    void aColumnThatIsNoVersion() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> optimistic(RESOURCE.NAME, "x"));
        assertEquals("version column public.resource.name is of type java.lang.String; a version is an integer counter "
                + "(int, bigint, smallint) or a timestamp (timestamptz, timestamp). To lock on another column, use "
                + "compareAndSet(..)", e.getMessage());
    }

    @Test
    void aTimestampFinerThanMicroseconds() {
        OffsetDateTime nanos = OffsetDateTime.parse("2026-01-01T00:00:00.123456789Z");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> optimistic(PLAYER.UPDATED_AT, nanos));
        assertEquals("expected version 2026-01-01T00:00:00.123456789Z of public.player.updated_at is finer than "
                + "PostgreSQL's microsecond precision, so it can never match the stored value; pass the value read "
                + "from the database", e.getMessage());
    }

    @Test
    void aRecordWithoutVersion() {
        ResourceRecord fresh = new ResourceRecord();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> optimistic(fresh));
        assertEquals("record holds no value for version column public.resource.version; read the row from the database "
                + "(or store it) before locking on it", e.getMessage());
    }

    @Test
    void nullArguments() {
        assertEquals("ctx cannot be null",
                assertThrows(NullPointerException.class, () -> Occ.using((org.jooq.DSLContext) null)).getMessage());
        assertEquals("table cannot be null", assertThrows(NullPointerException.class, () -> db.update(null)).getMessage());
        assertEquals("policy cannot be null", assertThrows(NullPointerException.class, () ->
                db.update(RESOURCE).set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(1)).lockingPolicy(null)).getMessage());
    }
}
