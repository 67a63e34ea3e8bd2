package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.PLAYER;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.postgres.TestDatabaseExtension;
import dev.occ.test.db.tables.records.ResourceRecord;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.JSONB;
import org.jooq.Result;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The steps of a locked UPDATE that {@code LockingUpdateTest} does not take: {@code set(Map)},
 * {@code set(Record)}, a subquery or a {@code null} field as a value, the other {@code where(..)}
 * overloads, {@code fetch()}, and a record policy with {@code returning(someFields)}.
 */
class LockingUpdateStepsTest {

    @RegisterExtension
    static final TestDatabaseExtension DATABASE = TestDatabaseExtension.migrated();
    static DSLContext ctx;
    static LockingDSLContext db;

    @BeforeAll
    static void database() {
        ctx = DATABASE.dsl();
        db = Occ.using(ctx);
    }

    private static ResourceRecord newResource(String name) {
        ResourceRecord inserted = ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA)
                .values(name, JSONB.valueOf("{\"n\": 1}")).returning().fetchOne();
        return ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(inserted.getId())); // as read, nothing changed
    }

    private static ResourceRecord stored(int id) {
        return ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(id));
    }

    // ------------------------------------------------------------------------------------ set(Map)

    @Test
    void setMapTakesColumnsByFieldNameOrStringAndValuesFieldsOrSubqueries() {
        ResourceRecord r = newResource("map");
        Map<Object, Object> values = new LinkedHashMap<>();
        values.put(RESOURCE.NAME, RESOURCE.NAME.concat(DSL.val(" by field")));
        values.put(DSL.name("data"), JSONB.valueOf("{\"by\": \"name\"}"));
        LockedUpdate<ResourceRecord> update = db.update(RESOURCE).set(values).where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1));
        assertEquals("update \"public\".\"resource\" set \"name\" = (\"public\".\"resource\".\"name\" || ?), "
                + "\"data\" = cast(? as jsonb), \"version\" = (\"public\".\"resource\".\"version\" + 1) "
                + "where (\"public\".\"resource\".\"id\" = ? and \"public\".\"resource\".\"version\" = ?)",
                update.getSQL());
        assertEquals(1, update.execute());
        ResourceRecord now = stored(r.getId());
        assertEquals("map by field", now.getName());
        assertEquals(JSONB.valueOf("{\"by\": \"name\"}"), now.getData());
        assertEquals(2, now.getVersion());

        Map<String, Object> byString = Map.of("name", DSL.select(DSL.val("from a subquery")));
        assertEquals(1, db.update(RESOURCE).set(byString).where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 2)).execute());
        assertEquals("from a subquery", stored(r.getId()).getName());
    }

    @Test
    void setMapRefusesWhatIsNoColumnOfTheTable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> db.update(RESOURCE).set(Map.of("nope", 1)));
        assertEquals("nope is not a column of public.resource", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> db.update(RESOURCE).set(Map.of(PLAYER.NUM_POINTS, 1)));
        assertTrue(e.getMessage().endsWith(" is not a column of public.resource"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> db.update(RESOURCE).set(Map.of(42, 1)));
        assertEquals("42 is not a column of public.resource", e.getMessage());
    }

    // ------------------------------------------------------------------------------------ set(Record)

    @Test
    void setRecordWritesOnlyTheChangedColumns() {
        ResourceRecord r = newResource("record");
        OffsetDateTime created = r.getCreatedAt();
        r.setName("changed in the record");
        LockedUpdate<ResourceRecord> update = db.update(RESOURCE).set(r).where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION));
        assertTrue(update.getSQL().startsWith("update \"public\".\"resource\" set \"name\" = ?, \"version\" = "),
                update.getSQL());
        assertEquals(1, update.execute());
        ResourceRecord now = stored(r.getId());
        assertEquals("changed in the record", now.getName());
        assertEquals(created, now.getCreatedAt());
        assertEquals(2, now.getVersion());
        assertEquals(2, r.getVersion(), "the set record is the one refreshed");
        assertFalse(r.changed(RESOURCE.VERSION));
    }

    @Test
    void aSetRecordOfAnotherKindIsNotRefreshed() {
        ResourceRecord r = newResource("plain record");
        org.jooq.Record plain = ctx.select(RESOURCE.NAME, RESOURCE.VERSION).from(RESOURCE)
                .where(RESOURCE.ID.eq(r.getId())).fetchOne();
        plain.set(RESOURCE.NAME, "from a plain record");
        assertEquals(1, db.update(RESOURCE).set(plain).where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION)).execute());
        assertEquals("from a plain record", stored(r.getId()).getName());
        assertEquals(1, plain.get(RESOURCE.VERSION), "not a VersionedRecord: left as it was");
    }

    @Test
    void anOriginalVersionPolicyOnAnotherTablesColumnIsRefused() {
        ResourceRecord r = newResource("foreign");
        r.setName("x");
        @SuppressWarnings({ "unchecked", "rawtypes" }) // what the compiler cannot catch: raw types
        LockingPolicy<ResourceRecord> foreign = (LockingPolicy) optimistic(PLAYER.UPDATED_AT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> db.update(RESOURCE).set(r).where(RESOURCE.ID.eq(r.getId())).lockingPolicy(foreign));
        assertEquals("optimistic(public.player.updated_at) locks on public.player.updated_at, a column of public.player, "
                + "but the statement writes to public.resource; lock on a column of public.resource", e.getMessage());
    }

    // ------------------------------------------------------------------------------------ other values

    @Test
    void aNullFieldOrSubquerySetsNull() {
        // resource has no nullable column to write; the SQL shows the bound null
        LockedUpdate<ResourceRecord> update = db.update(RESOURCE).set(RESOURCE.NAME, (org.jooq.Field<String>) null)
                .set(RESOURCE.DATA, (org.jooq.Select<org.jooq.Record1<JSONB>>) null)
                .where(RESOURCE.ID.eq(1)).lockingPolicy(optimistic(RESOURCE.VERSION, 1));
        assertTrue(update.getSQL().startsWith("update \"public\".\"resource\" set \"name\" = ?, \"data\" = cast(? as jsonb), "),
                update.getSQL());
        assertEquals(java.util.Arrays.asList(null, null, 1, 1), update.getBindValues());
        ResourceRecord r = newResource("subquery");
        assertEquals(1, db.update(RESOURCE)
                .set(RESOURCE.NAME, DSL.select(DSL.val("selected")))
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertEquals("selected", stored(r.getId()).getName());
    }

    // ------------------------------------------------------------------------------------ where

    @Test
    void whereTakesAListOfConditionsAndAndAddsOne() {
        ResourceRecord r = newResource("listed");
        assertEquals(1, db.update(RESOURCE).set(RESOURCE.NAME, "by list")
                .where(List.of(RESOURCE.ID.eq(r.getId()), RESOURCE.NAME.eq("listed")))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        ConflictException e = assertThrows(ConflictException.class, () -> db.update(RESOURCE).set(RESOURCE.NAME, "no")
                .where(RESOURCE.ID.eq(r.getId())).and(RESOURCE.NAME.eq("listed"))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 2)).execute());
        assertTrue(e.isRowGone(), "the name no longer matches: " + e.getMessage());
        assertEquals("by list", stored(r.getId()).getName());
    }

    @Test
    void aStatementWithoutPolicyNamesItself() {
        assertEquals("LockingUpdate[public.resource, no locking policy yet]",
                db.update(RESOURCE).set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(1)).toString());
        assertEquals("LockingDelete[public.resource, no locking policy yet]",
                db.delete(RESOURCE).where(RESOURCE.ID.eq(1)).toString());
        assertEquals("LockingDSLContext[POSTGRES]", db.toString());
        assertSame(ctx, db.dsl());
    }

    @Test
    void messagesNameTheStatementsVerb() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> db.delete(RESOURCE).where(RESOURCE.NAME.eq("x")).lockingPolicy(optimistic(RESOURCE.VERSION, 1)));
        assertTrue(e.getMessage().contains("the where clause of this delete of public.resource does not pin id"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> db.delete(RESOURCE).where(RESOURCE.ID.eq(1)).lockingPolicy(optimistic(RESOURCE.VERSION)));
        assertTrue(e.getMessage().contains("but this delete of public.resource has none"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------ returning

    @Test
    void aRecordPolicyWithReturningSomeFieldsAlsoReturnsTheVersion() {
        ResourceRecord r = newResource("some");
        OffsetDateTime updatedAt = r.getUpdatedAt();
        ResourceRecord back = db.update(RESOURCE).set(RESOURCE.NAME, "some returned")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(r)).returning(RESOURCE.NAME).fetchOne();
        assertEquals("some returned", back.getName());
        assertEquals(2, back.getVersion(), "the version is returned too");
        assertEquals(2, r.getVersion(), "and the record holds it");
        assertEquals("some returned", r.getName(), "the record holds every returned column");
        assertFalse(r.changed(RESOURCE.NAME));
        assertEquals(updatedAt, r.getUpdatedAt(), "a column not returned is left as it was");
        assertNotEquals(updatedAt, stored(r.getId()).getUpdatedAt(), "although the trigger moved it on");

        // the version asked for explicitly is returned once
        LockedUpdateResultStep<ResourceRecord> explicit = db.update(RESOURCE).set(RESOURCE.NAME, "v")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(r)).returning(RESOURCE.VERSION);
        assertTrue(explicit.getSQL().endsWith(" returning \"public\".\"resource\".\"version\""), explicit.getSQL());
        assertEquals(3, explicit.fetchOne().getVersion());
        assertEquals(3, r.getVersion());
    }

    @Test
    void aRecordPolicyWithReturningEverythingRefreshesEveryColumn() {
        ResourceRecord r = newResource("all");
        Result<ResourceRecord> rows = db.update(RESOURCE).set(RESOURCE.NAME, "all returned")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(r)).returning().fetch();
        assertEquals(1, rows.size());
        ResourceRecord now = stored(r.getId());
        assertEquals(now, rows.get(0));
        assertEquals(now.getUpdatedAt(), r.getUpdatedAt(), "the trigger's value is in the record");
        assertEquals(2, r.getVersion());
        assertFalse(r.changed());
    }

    @Test
    void executeWithReturningCountsTheRowsAndConflictsLikeExecute() {
        ResourceRecord r = newResource("counted");
        assertEquals(1, db.update(RESOURCE).set(RESOURCE.NAME, "counted").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(r)).execute(), "a record policy returns the version");
        ConflictException e = assertThrows(ConflictException.class, () -> db.update(RESOURCE).set(RESOURCE.NAME, "no")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(RESOURCE.VERSION, 1)).returning().fetch());
        assertEquals(2, e.actualVersion());
    }

    // ------------------------------------------------------------------------------------ ABA

    /**
     * A context whose failed UPDATEs are followed, before occ's diagnosis, by {@code restore}: another
     * writer who puts the checked column back to the value the lock expected.
     */
    private static DSLContext changedBackAfterAFailedUpdate(Runnable restore) {
        return ctx.configuration().derive(new ExecuteListener() {
            @Override
            public void executeEnd(ExecuteContext c) {
                if (c.sql().startsWith("update") && c.rows() == 0) {
                    restore.run();
                }
            }
        }).dsl();
    }

    @Test
    void aVersionBackAtTheExpectedOneIsSetByHandAndAValueBackIsChangedAndChangedBack() {
        ResourceRecord r = newResource("aba");
        ctx.update(RESOURCE).set(RESOURCE.VERSION, 5).where(RESOURCE.ID.eq(r.getId())).execute();
        DSLContext versionBack = changedBackAfterAFailedUpdate(() -> ctx.update(RESOURCE).set(RESOURCE.VERSION, 1)
                .where(RESOURCE.ID.eq(r.getId())).execute());
        ConflictException e = assertThrows(ConflictException.class, () -> Occ.using(versionBack).update(RESOURCE)
                .set(RESOURCE.NAME, "b").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        // a version only moves on: back at the expected one, it was set back by hand, or does not round-trip
        assertTrue(e.getMessage().startsWith("Conflict on public.resource (id = " + r.getId() + "): expected version = 1, "
                + "but the row reads back with version = 1, although a version only moves on"),
                e.getMessage());
        assertTrue(e.getMessage().contains("or something set version back by hand or by a trigger. Re-read the row and "
                + "retry, or report the conflict (HTTP 409)"), e.getMessage());

        ctx.update(RESOURCE).set(RESOURCE.NAME, "moved").where(RESOURCE.ID.eq(r.getId())).execute();
        DSLContext valueBack = changedBackAfterAFailedUpdate(() -> ctx.update(RESOURCE).set(RESOURCE.NAME, "aba")
                .where(RESOURCE.ID.eq(r.getId())).execute());
        e = assertThrows(ConflictException.class, () -> Occ.using(valueBack).update(RESOURCE)
                .set(RESOURCE.NAME, "c").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(Occ.compareAndSet(RESOURCE.NAME, "aba")).execute());
        assertTrue(e.getMessage().contains("but its value was changed and changed back"), e.getMessage());
    }
}
