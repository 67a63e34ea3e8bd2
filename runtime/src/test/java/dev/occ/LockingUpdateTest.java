package dev.occ;

import static dev.occ.Occ.compareAndSet;
import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.DOCUMENT;
import static dev.occ.test.db.Tables.PLAYER;
import static dev.occ.test.db.Tables.RESOURCE;
import static dev.occ.test.db.Tables.TEAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.PlayerRecord;
import dev.occ.test.db.tables.records.ResourceRecord;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.exception.DataChangedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LockingUpdateTest {

    @RegisterExtension
    static final LockingDatabase DATABASE = LockingDatabase.migrated();
    static final Databases.StatementCounter STATEMENTS = DATABASE.statements();
    static final DSLContext ctx = DATABASE.ctx();
    static final LockingDSLContext db = DATABASE.db();

    private static ResourceRecord newResource(String name) {
        return ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA)
                .values(name, JSONB.valueOf("{\"n\": 1}"))
                .returning().fetchOne();
    }

    private static PlayerRecord newPlayer(String name, int points) {
        Integer team = ctx.insertInto(TEAM, TEAM.NAME).values(name + "-team").returning(TEAM.ID).fetchOne().getId();
        return ctx.insertInto(PLAYER, PLAYER.TEAM_ID, PLAYER.NAME, PLAYER.NUM_POINTS)
                .values(team, name, points).returning().fetchOne();
    }

    // ------------------------------------------------------------------------------------ SQL

    @Test
    void counterPolicyRendersOneConditionalUpdate() {
        LockedUpdate<ResourceRecord> update = db.update(RESOURCE)
                .set(RESOURCE.NAME, "renamed")
                .set(RESOURCE.DATA, JSONB.valueOf("{}"))
                .where(RESOURCE.ID.eq(7))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 3));
        assertEquals("update \"public\".\"resource\" set \"name\" = ?, \"data\" = cast(? as jsonb), "
                + "\"version\" = (\"public\".\"resource\".\"version\" + 1) "
                + "where (\"public\".\"resource\".\"id\" = ? and \"public\".\"resource\".\"version\" = ?)",
                update.getSQL());
        assertEquals(4, update.getBindValues().size(), "name, data, id and version are bound");
        assertEquals(3, update.getBindValues().get(3));
        assertTrue(update.toString().contains("\"version\" = 3"), update.toString());
        assertEquals(0, STATEMENTS.reset(), "rendering sends nothing");
    }

    @Test
    void timestampPolicyMovesTheTimestampOnToALaterValue() {
        OffsetDateTime read = OffsetDateTime.parse("2026-01-02T03:04:05.123456Z");
        String sql = db.update(PLAYER).set(PLAYER.NUM_POINTS, 1).where(PLAYER.ID.eq(1))
                .lockingPolicy(optimistic(PLAYER.UPDATED_AT, read)).getSQL();
        assertEquals("update \"public\".\"player\" set \"num_points\" = ?, \"updated_at\" = greatest("
                + "cast(current_timestamp as timestamp with time zone), (\"public\".\"player\".\"updated_at\" + "
                + "cast(interval '0 years 0 mons 0 days 0 hours 0 mins 0.000001 secs' as interval day to second))) "
                + "where (\"public\".\"player\".\"id\" = ? and \"public\".\"player\".\"updated_at\" = "
                + "cast(? as timestamp(6) with time zone))", sql);
    }

    @Test
    void compareAndSetChecksTheValueAndMovesNoVersion() {
        String sql = db.update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.minus(2)).where(PLAYER.ID.eq(1))
                .lockingPolicy(compareAndSet(PLAYER.NUM_POINTS, 10)).getSQL();
        assertEquals("update \"public\".\"player\" set \"num_points\" = (\"public\".\"player\".\"num_points\" - ?) "
                + "where (\"public\".\"player\".\"id\" = ? and \"public\".\"player\".\"num_points\" = ?)", sql);
    }

    // ------------------------------------------------------------------------------------ success

    @Test
    void updatesTheRowAndMovesTheVersionOnInOneStatement() {
        ResourceRecord r = newResource("a");
        assertEquals(1, r.getVersion(), "a new row starts at version 1 without any policy");
        STATEMENTS.reset();

        int updated = db.update(RESOURCE).set(RESOURCE.NAME, "b").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute();

        assertEquals(1, updated);
        assertEquals(1, STATEMENTS.reset(), "success costs exactly one statement");
        ResourceRecord now = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(r.getId()));
        assertEquals("b", now.getName());
        assertEquals(2, now.getVersion());
    }

    @Test
    void returningGivesTheStoredRowWithItsNewVersion() {
        ResourceRecord r = newResource("a");
        STATEMENTS.reset();
        ResourceRecord updated = db.update(RESOURCE).set(RESOURCE.NAME, "b").where(RESOURCE.ID.eq(r.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).returning().fetchOne();
        assertEquals(1, STATEMENTS.reset());
        assertEquals(2, updated.getVersion());
        assertEquals("b", updated.getName());
        assertFalse(updated.getUpdatedAt().isBefore(r.getUpdatedAt()), "resource_touch set updated_at");
    }

    @Test
    void bigintCountersWork() {
        Long id = ctx.insertInto(DOCUMENT, DOCUMENT.TITLE).values("t").returning(DOCUMENT.ID).fetchOne().getId();
        ctx.update(DOCUMENT).set(DOCUMENT.VERSION, 3_000_000_000L).where(DOCUMENT.ID.eq(id)).execute();
        Long next = db.update(DOCUMENT).set(DOCUMENT.TITLE, "u").where(DOCUMENT.ID.eq(id))
                .lockingPolicy(optimistic(DOCUMENT.VERSION, 3_000_000_000L))
                .returning(DOCUMENT.VERSION).fetchOne().getVersion();
        assertEquals(3_000_000_001L, next);
    }

    @Test
    void theReturnedVersionIsTheOneTheDatabaseStoredEvenWhenATriggerSetsIt() {
        ctx.execute("create function document_version_by_hundreds() returns trigger language plpgsql as $$ "
                + "begin new.version := old.version + 100; return new; end; $$");
        ctx.execute("create trigger document_hundreds before update on document for each row "
                + "execute function document_version_by_hundreds()");
        try {
            Long id = ctx.insertInto(DOCUMENT, DOCUMENT.TITLE).values("t").returning(DOCUMENT.ID).fetchOne().getId();
            Long stored = db.update(DOCUMENT).set(DOCUMENT.TITLE, "u").where(DOCUMENT.ID.eq(id))
                    .lockingPolicy(optimistic(DOCUMENT.VERSION, 1L)).returning().fetchOne().getVersion();
            assertEquals(101L, stored, "not 2: the trigger's value is what the row holds");
        } finally {
            ctx.execute("drop trigger document_hundreds on document");
        }
    }

    // ------------------------------------------------------------------------------------ conflicts

    @Test
    void aStaleVersionThrowsAndWritesNothing() {
        ResourceRecord r = newResource("a");
        ctx.update(RESOURCE).set(RESOURCE.VERSION, 5).where(RESOURCE.ID.eq(r.getId())).execute();
        STATEMENTS.reset();

        ConflictException e = assertThrows(ConflictException.class, () ->
                db.update(RESOURCE).set(RESOURCE.NAME, "lost").where(RESOURCE.ID.eq(r.getId()))
                        .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());

        assertEquals(2, STATEMENTS.reset(), "the failure costs one more statement, for the diagnosis");
        assertEquals(ConflictException.Kind.VERSION_CHANGED, e.kind());
        assertFalse(e.isRowGone());
        assertEquals(RESOURCE, e.table());
        assertEquals(RESOURCE.VERSION, e.versionField());
        assertEquals("id = " + r.getId(), e.key());
        assertEquals(1, e.expectedVersion());
        assertEquals(5, e.actualVersion());
        assertEquals("Conflict on public.resource (id = " + r.getId() + "): expected version = 1, "
                + "but the row has version = 5; another transaction changed it since it was read. "
                + "Re-read the row and retry, or report the conflict (HTTP 409)", e.getMessage());
        assertTrue(e instanceof DataChangedException, "existing jOOQ handlers keep working");
        assertEquals("a", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(r.getId())));
    }

    @Test
    void aMissingRowIsReportedAsGone() {
        ConflictException e = assertThrows(ConflictException.class, () ->
                db.update(RESOURCE).set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(-1))
                        .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertTrue(e.isRowGone());
        assertNull(e.actualVersion());
        assertEquals("\"public\".\"resource\".\"id\" = -1", e.key());
        assertEquals("Conflict on public.resource where \"public\".\"resource\".\"id\" = -1: expected "
                + "version = 1, but no row matches the where clause any more (it was deleted, or never existed)",
                e.getMessage());
    }

    @Test
    void aRowDeletedBetweenReadAndWriteIsReportedAsGone() {
        ResourceRecord read = newResource("a");
        ctx.deleteFrom(RESOURCE).where(RESOURCE.ID.eq(read.getId())).execute();
        ConflictException e = assertThrows(ConflictException.class, () ->
                db.update(RESOURCE).set(RESOURCE.NAME, "b").where(RESOURCE.ID.eq(read.getId()))
                        .lockingPolicy(optimistic(read)).execute());
        assertEquals(ConflictException.Kind.ROW_GONE, e.kind());
        assertEquals(1, e.expectedVersion());
    }

    @Test
    void theDiagnosisReportsTheRowAsItIsWhenItChangesAgainAfterTheFailedUpdate() {
        ResourceRecord r = newResource("a");
        ctx.update(RESOURCE).set(RESOURCE.VERSION, 2).where(RESOURCE.ID.eq(r.getId())).execute();
        // Another writer moves the row on between occ's failed UPDATE and its diagnosis.
        DSLContext racing = ctx.configuration().derive(new org.jooq.ExecuteListener() {
            @Override
            public void executeEnd(org.jooq.ExecuteContext c) {
                if (c.sql().startsWith("update") && c.rows() == 0) {
                    ctx.update(RESOURCE).set(RESOURCE.VERSION, 9).where(RESOURCE.ID.eq(r.getId())).execute();
                }
            }
        }).dsl();
        ConflictException e = assertThrows(ConflictException.class, () ->
                Occ.using(racing).update(RESOURCE).set(RESOURCE.NAME, "b").where(RESOURCE.ID.eq(r.getId()))
                        .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertEquals(ConflictException.Kind.VERSION_CHANGED, e.kind());
        assertEquals(9, e.actualVersion(), "the version the row has when the caller learns of the conflict");
    }

    // ------------------------------------------------------------------------------------ timestamps

    @Test
    void timestampVersionsRoundTripAtMicrosecondsAndAlwaysMoveOn() {
        PlayerRecord p = newPlayer("ts", 10);
        OffsetDateTime v1 = p.getUpdatedAt();
        OffsetDateTime v2 = db.update(PLAYER).set(PLAYER.NUM_POINTS, 9).where(PLAYER.ID.eq(p.getId()))
                .lockingPolicy(optimistic(PLAYER.UPDATED_AT, v1)).returning(PLAYER.UPDATED_AT).fetchOne().getUpdatedAt();
        assertTrue(v2.isAfter(v1), v2 + " after " + v1);
        // The value read back is the exact stored value: it matches on the next write.
        assertEquals(v2, ctx.fetchValue(PLAYER.UPDATED_AT, PLAYER.ID.eq(p.getId())));
        // Twice in one transaction (current_timestamp does not move): still strictly later each time.
        OffsetDateTime v4 = ctx.transactionResult(cfg -> {
            OffsetDateTime v3 = Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, 8).where(PLAYER.ID.eq(p.getId()))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, v2)).returning().fetchOne().getUpdatedAt();
            OffsetDateTime next = Occ.using(cfg).update(PLAYER).set(PLAYER.NUM_POINTS, 7).where(PLAYER.ID.eq(p.getId()))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, v3)).returning().fetchOne().getUpdatedAt();
            assertTrue(v3.isAfter(v2) && next.isAfter(v3), v2 + " < " + v3 + " < " + next);
            return next;
        });
        assertThrows(ConflictException.class, () -> db.update(PLAYER).set(PLAYER.NUM_POINTS, 0)
                .where(PLAYER.ID.eq(p.getId())).lockingPolicy(optimistic(PLAYER.UPDATED_AT, v2)).execute());
        assertEquals(7, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(p.getId())));
        assertNotEquals(v2, v4);
    }

    // ------------------------------------------------------------------------------------ records

    @Test
    void aRecordPolicyRefreshesTheRecordWithTheStoredVersion() {
        ResourceRecord r = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(newResource("a").getId()));
        STATEMENTS.reset();
        db.update(RESOURCE).set(RESOURCE.NAME, "b").where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(r)).execute();
        assertEquals(1, STATEMENTS.reset());
        assertEquals(2, r.getVersion(), "the record holds the new version");
        assertFalse(r.changed(RESOURCE.VERSION));
        db.update(RESOURCE).set(RESOURCE.NAME, "c").where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(r)).execute();
        assertEquals(3, r.getVersion(), "and can lock again with it");

        ResourceRecord stale = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(r.getId()));
        db.update(RESOURCE).set(RESOURCE.NAME, "d").where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(r)).execute();
        ConflictException e = assertThrows(ConflictException.class, () -> db.update(RESOURCE).set(RESOURCE.NAME, "e")
                .where(RESOURCE.ID.eq(stale.getId())).lockingPolicy(optimistic(stale)).execute());
        assertEquals(3, e.expectedVersion());
        assertEquals(4, e.actualVersion());
        assertEquals(3, stale.getVersion(), "a failed update leaves the record as it was");
    }

    @Test
    void getSqlOfARecordPolicyShowsTheReturningThatRuns() {
        ResourceRecord r = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(newResource("shown").getId()));
        LockedUpdate<ResourceRecord> update = db.update(RESOURCE).set(RESOURCE.NAME, "b")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(r));
        assertTrue(update.getSQL().endsWith(" returning \"public\".\"resource\".\"version\""), update.getSQL());
        assertTrue(update.toString().contains("returning"), update.toString());
        assertEquals(List.of("b", r.getId(), 1), update.getBindValues());
        LockedUpdateResultStep<ResourceRecord> some = db.update(RESOURCE).set(RESOURCE.NAME, "b")
                .where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(r)).returning(RESOURCE.NAME);
        assertTrue(some.getSQL().endsWith(" returning \"public\".\"resource\".\"name\", \"public\".\"resource\".\"version\""),
                some.getSQL());
        update.execute();
        assertEquals(2, r.getVersion());
    }

    // ------------------------------------------------------------------------------------ compare-and-set

    @Test
    void compareAndSetWritesOnlyIfTheValueIsUnchanged() {
        PlayerRecord p = newPlayer("cas", 10);
        int read = p.getNumPoints();
        db.update(PLAYER).set(PLAYER.NUM_POINTS, read - 2).where(PLAYER.ID.eq(p.getId()))
                .lockingPolicy(compareAndSet(PLAYER.NUM_POINTS, read)).execute();
        assertEquals(8, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(p.getId())));

        ConflictException e = assertThrows(ConflictException.class, () -> db.update(PLAYER)
                .set(PLAYER.NUM_POINTS, read - 2).where(PLAYER.ID.eq(p.getId()))
                .lockingPolicy(compareAndSet(PLAYER.NUM_POINTS, read)).execute());
        assertEquals(10, e.expectedVersion());
        assertEquals(8, e.actualVersion());
        assertTrue(e.getMessage().contains("expected num_points = 10"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------ insert

    @Test
    void insertNeedsNoPolicyAndStartsAtVersionOne() {
        Integer version = ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values("new", JSONB.valueOf("[]"))
                .returning(RESOURCE.VERSION).fetchOne().getVersion();
        assertEquals(1, version);
    }
}
