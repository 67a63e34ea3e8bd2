package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.ResourceRecord;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LockingDeleteTest {

    @RegisterExtension
    static final LockingDatabase DATABASE = LockingDatabase.migrated();
    static final Databases.StatementCounter STATEMENTS = DATABASE.statements();
    static final DSLContext ctx = DATABASE.ctx();
    static final LockingDSLContext db = DATABASE.db();

    private static ResourceRecord newResource() {
        return ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values("d", JSONB.valueOf("{}")).returning().fetchOne();
    }

    @Test
    void rendersAConditionalDelete() {
        assertEquals("delete from \"public\".\"resource\" where (\"public\".\"resource\".\"id\" = ? "
                + "and \"public\".\"resource\".\"version\" = ?)",
                db.delete(RESOURCE).where(RESOURCE.ID.eq(1)).lockingPolicy(optimistic(RESOURCE.VERSION, 2)).getSQL());
    }

    @Test
    void deletesTheRowWhenTheVersionMatches() {
        ResourceRecord r = newResource();
        STATEMENTS.reset();
        assertEquals(1, db.delete(RESOURCE).where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(r)).execute());
        assertEquals(1, STATEMENTS.reset());
        assertEquals(0, ctx.fetchCount(RESOURCE, RESOURCE.ID.eq(r.getId())));
    }

    @Test
    void aStaleVersionKeepsTheRowAndReportsTheActualVersion() {
        ResourceRecord r = newResource();
        ctx.update(RESOURCE).set(RESOURCE.NAME, "moved").set(RESOURCE.VERSION, 2).where(RESOURCE.ID.eq(r.getId())).execute();
        ConflictException e = assertThrows(ConflictException.class, () ->
                db.delete(RESOURCE).where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertEquals(ConflictException.Kind.VERSION_CHANGED, e.kind());
        assertEquals(2, e.actualVersion());
        assertEquals(1, ctx.fetchCount(RESOURCE, RESOURCE.ID.eq(r.getId())), "nothing deleted");
    }

    @Test
    void aRowAlreadyDeletedIsReportedAsGone() {
        ResourceRecord r = newResource();
        db.delete(RESOURCE).where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute();
        ConflictException e = assertThrows(ConflictException.class, () ->
                db.delete(RESOURCE).where(RESOURCE.ID.eq(r.getId())).lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertTrue(e.isRowGone());
    }
}
