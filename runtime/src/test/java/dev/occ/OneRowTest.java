package dev.occ;

import static dev.occ.Occ.compareAndSet;
import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.DOCUMENT;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.ResourceRecord;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record2;
import org.jooq.Result;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * [occ#10] A locked statement writes exactly the row it names, or nothing: every way a where clause
 * could name another row or several rows is refused before any SQL runs, and nothing is written.
 */
class OneRowTest {

    @RegisterExtension
    static final LockingDatabase DATABASE = LockingDatabase.migrated();
    static final Databases.StatementCounter STATEMENTS = DATABASE.statements();
    static final DSLContext ctx = DATABASE.ctx();
    static final LockingDSLContext db = DATABASE.db();

    private static ResourceRecord newResource(String name) {
        return ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values(name, JSONB.valueOf("{}")).returning().fetchOne();
    }

    /** The rows of the table as they are: id, name, version. */
    private static Result<Record2<Integer, String>> snapshot() {
        return ctx.select(RESOURCE.ID, RESOURCE.NAME).from(RESOURCE).orderBy(RESOURCE.ID).fetch();
    }

    /** Runs a misuse: it fails with IllegalArgumentException, sends no statement and writes nothing. */
    private static IllegalArgumentException refused(Executable misuse) {
        Result<Record2<Integer, String>> before = snapshot();
        Map<Integer, Integer> versions = ctx.select(RESOURCE.ID, RESOURCE.VERSION).from(RESOURCE).fetchMap(RESOURCE.ID, RESOURCE.VERSION);
        STATEMENTS.reset();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, misuse);
        assertEquals(0, STATEMENTS.reset(), "no statement reached the server");
        assertEquals(before, snapshot());
        assertEquals(versions, ctx.select(RESOURCE.ID, RESOURCE.VERSION).from(RESOURCE).fetchMap(RESOURCE.ID, RESOURCE.VERSION));
        return e;
    }

    @Test
    void anEmptyWhereClauseIsRefused() {
        newResource("a");
        newResource("b");
        IllegalArgumentException e = refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "all").where()
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertEquals("optimistic(public.resource.version = 1) writes exactly one row, named by its primary key (id), "
                + "but the where clause of this update of public.resource does not pin id with = at its top level; "
                + "name the row, for example where(RESOURCE.ID.eq(..)), with any other condition ANDed beside it",
                e.getMessage());
        refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "all").where(List.of())
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        refused(() -> db.delete(RESOURCE).where().lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
    }

    @Test
    void aWhereClauseOnOtherColumnsIsRefusedAlsoWithReturning() {
        newResource("same");
        newResource("same");
        newResource("same");
        refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "many").where(RESOURCE.NAME.eq("same"))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "many").where(RESOURCE.NAME.eq("same"))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).returning().fetchOne());
        refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "many").where(RESOURCE.NAME.eq("same"))
                .lockingPolicy(compareAndSet(RESOURCE.NAME, "same")).execute());
    }

    @Test
    void theKeyMustBePinnedWithEqualsAtTheTopLevel() {
        ResourceRecord a = newResource("a");
        ResourceRecord b = newResource("b");
        refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(a.getId())).or(RESOURCE.ID.eq(b.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "x").where(RESOURCE.ID.in(a.getId(), b.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "x").where(RESOURCE.ID.ge(a.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "x").where(DSL.not(RESOURCE.ID.ne(a.getId())))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        // beside other conditions, in either order, the key named once is enough
        assertEquals(1, db.update(RESOURCE).set(RESOURCE.NAME, "x")
                .where(RESOURCE.NAME.eq("a"), DSL.val(a.getId()).eq(RESOURCE.ID))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertEquals("x", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(a.getId())));
        assertEquals("b", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(b.getId())));
    }

    @Test
    void aRecordPolicyOnAnotherRowsKeyIsRefused() {
        ResourceRecord a = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(newResource("a").getId()));
        ResourceRecord b = newResource("b");
        IllegalArgumentException e = refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "written with a's version")
                .where(RESOURCE.ID.eq(b.getId())).lockingPolicy(optimistic(a)).execute());
        assertEquals("optimistic(public.resource.version = 1) locks the record's own row of public.resource (id = "
                + a.getId() + "), but the where clause names id = " + b.getId() + "; name the record's row: "
                + "where(RESOURCE.ID.eq(..)) with the record's key", e.getMessage());
        assertEquals(1, a.getVersion(), "the record is left as it was");
        refused(() -> db.delete(RESOURCE).where(RESOURCE.ID.eq(b.getId())).lockingPolicy(optimistic(a)).execute());
    }

    @Test
    void afterSuccessTheRecordHoldsWhatTheDatabaseStored() {
        ResourceRecord r = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(newResource("stored").getId()));
        ResourceRecord returned = db.update(RESOURCE).set(RESOURCE.NAME, "renamed").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(r)).returning().fetchOne();
        ResourceRecord stored = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(r.getId()));
        assertEquals(stored, r, "version, name and the trigger's updated_at");
        assertEquals(stored, returned);
        assertFalse(r.changed());
        assertTrue(r.getUpdatedAt().isAfter(r.getCreatedAt()) || r.getUpdatedAt().equals(r.getCreatedAt()));
    }

    @Test
    void optimisticVersionTakesTheOriginalVersionOfTheSetRecord() {
        ResourceRecord r = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(newResource("card").getId()));
        r.setName("the card's shape");
        STATEMENTS.reset();
        assertEquals(1, db.update(RESOURCE).set(r).where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION)).execute());
        assertEquals(1, STATEMENTS.reset(), "one statement: the record is refreshed from its returning clause");
        assertEquals(2, r.getVersion(), "the record holds the new version");
        assertEquals("the card's shape", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(r.getId())));

        ResourceRecord stale = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(r.getId()));
        r.setName("again");
        db.update(RESOURCE).set(r).where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(RESOURCE.VERSION)).execute();
        stale.setName("stale");
        ConflictException conflict = assertThrows(ConflictException.class, () -> db.update(RESOURCE).set(stale)
                .where(RESOURCE.ID.eq(stale.getId())).lockingPolicy(optimistic(RESOURCE.VERSION)).execute());
        assertEquals(2, conflict.expectedVersion());
        assertEquals(3, conflict.actualVersion());
    }

    @Test
    void optimisticVersionWithoutARecordSaysWhereTheVersionComesFrom() {
        ResourceRecord r = newResource("no record");
        IllegalArgumentException e = refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION)).execute());
        assertEquals("optimistic(public.resource.version) takes the expected version from the record given to "
                + "set(record), but this update of public.resource has none; pass the version read with the row, "
                + "optimistic(VERSION, expected), or lock on a generated record, optimistic(record)", e.getMessage());
        refused(() -> db.delete(RESOURCE).where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(RESOURCE.VERSION)).execute());
        ResourceRecord fresh = new ResourceRecord();
        fresh.setName("never read");
        refused(() -> db.update(RESOURCE).set(fresh).where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION)).execute());
    }

    @Test
    @SuppressWarnings({ "unchecked", "rawtypes" })
    void expectedValuesOfAnotherTypeAreRefusedNotConverted() {
        ResourceRecord r = newResource("typed");
        TableField raw = RESOURCE.VERSION;
        IllegalArgumentException e = refused(() -> db.update(RESOURCE).set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(raw, 1.0)).execute());
        assertEquals("expectedVersion 1.0 is a java.lang.Double, but column public.resource.version holds "
                + "java.lang.Integer values; pass the Integer read from the column", e.getMessage());
        refused(() -> optimistic(raw, 4294967297L));
        refused(() -> optimistic(raw, "abc"));
        refused(() -> compareAndSet(raw, 1L));
        TableField rawDocument = DOCUMENT.VERSION;
        refused(() -> optimistic(rawDocument, 1));
    }

    @Test
    void aCounterAtItsMaximumSaysToWidenTheColumn() {
        ResourceRecord r = newResource("old");
        ctx.update(RESOURCE).set(RESOURCE.VERSION, Integer.MAX_VALUE).where(RESOURCE.ID.eq(r.getId())).execute();
        STATEMENTS.reset();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.update(RESOURCE)
                .set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, Integer.MAX_VALUE)).execute());
        assertEquals(0, STATEMENTS.reset());
        assertEquals("version column public.resource.version holds 2147483647, the largest integer, so it cannot move "
                + "on and the row can no longer be updated under optimistic locking; widen the column (alter table "
                + "public.resource alter column version type bigint) and regenerate", e.getMessage());
        assertEquals("old", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(r.getId())));
    }
}
