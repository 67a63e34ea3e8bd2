package dev.occ;

import static dev.occ.Occ.everyRow;
import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.DOCUMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** [occ#10] {@code everyRow(..)}: several rows on purpose, all of them or none, and every differing row named. */
class EveryRowTest {

    @RegisterExtension
    static final LockingDatabase DATABASE = LockingDatabase.migrated();
    static final Databases.StatementCounter STATEMENTS = DATABASE.statements();
    static final DSLContext ctx = DATABASE.ctx();
    static final LockingDSLContext db = DATABASE.db();

    @BeforeEach
    void empty() {
        ctx.deleteFrom(DOCUMENT).execute();
        STATEMENTS.reset();
    }

    private static List<Long> drafts(String title, int n) {
        return ctx.insertInto(DOCUMENT, DOCUMENT.TITLE).select(DSL.select(DSL.val(title))
                .from(DSL.generateSeries(1, n))).returningResult(DOCUMENT.ID).fetch(DOCUMENT.ID);
    }

    private static Map<Long, Long> versions(String title) {
        return ctx.select(DOCUMENT.ID, DOCUMENT.VERSION).from(DOCUMENT).where(DOCUMENT.TITLE.eq(title))
                .fetchMap(DOCUMENT.ID, DOCUMENT.VERSION);
    }

    @Test
    void writesEveryNamedRowInOneStatement() {
        drafts("draft", 3);
        drafts("other", 2);
        STATEMENTS.reset();
        assertEquals(3, db.update(DOCUMENT).set(DOCUMENT.BODY, "cleared").where(DOCUMENT.TITLE.eq("draft"))
                .lockingPolicy(everyRow(optimistic(DOCUMENT.VERSION, 1L))).execute());
        assertEquals(1, STATEMENTS.reset());
        assertTrue(versions("draft").values().stream().allMatch(v -> v == 2L), versions("draft").toString());
        assertTrue(versions("other").values().stream().allMatch(v -> v == 1L), "other rows untouched");
    }

    @Test
    void oneDifferingRowWritesNothingAndIsNamed() {
        List<Long> ids = drafts("draft", 3);
        ctx.update(DOCUMENT).set(DOCUMENT.VERSION, 5L).where(DOCUMENT.ID.eq(ids.get(1))).execute();
        Map<Long, Long> before = versions("draft");
        STATEMENTS.reset();
        ConflictException e = assertThrows(ConflictException.class, () -> db.update(DOCUMENT)
                .set(DOCUMENT.BODY, "cleared").where(DOCUMENT.TITLE.eq("draft"))
                .lockingPolicy(everyRow(optimistic(DOCUMENT.VERSION, 1L))).execute());
        assertEquals(2, STATEMENTS.reset(), "the statement and one query to explain it");
        assertEquals(before, versions("draft"), "nothing was written");
        assertEquals(0, ctx.fetchCount(DOCUMENT, DOCUMENT.BODY.eq("cleared")));
        assertEquals(List.of(new ConflictException.Row("id = " + ids.get(1), 1L, 5L)), e.rows());
        assertEquals(ConflictException.Kind.VERSION_CHANGED, e.kind());
        assertEquals("Conflict on public.document where \"public\".\"document\".\"title\" = 'draft': expected "
                + "version = 1 on every row, but 1 of 3 rows differ: (id = " + ids.get(1) + ") version = 5. Nothing "
                + "was written; re-read the rows and retry, or report the conflict (HTTP 409)", e.getMessage());
    }

    @Test
    void manyDifferingRowsAreNamedUpToAHundred() {
        drafts("draft", 150);
        ctx.update(DOCUMENT).set(DOCUMENT.VERSION, 2L).execute();
        ConflictException e = assertThrows(ConflictException.class, () -> db.delete(DOCUMENT)
                .where(DOCUMENT.TITLE.eq("draft")).lockingPolicy(everyRow(optimistic(DOCUMENT.VERSION, 1L))).execute());
        assertEquals(100, e.rows().size());
        assertTrue(e.getMessage().contains("150 of 150 rows differ") && e.getMessage().contains(" and 50 more."),
                e.getMessage());
        assertEquals(150, ctx.fetchCount(DOCUMENT), "the delete deleted nothing");
    }

    @Test
    void noRowIsReportedAsGone() {
        ConflictException e = assertThrows(ConflictException.class, () -> db.delete(DOCUMENT)
                .where(DOCUMENT.TITLE.eq("none")).lockingPolicy(everyRow(optimistic(DOCUMENT.VERSION, 1L))).execute());
        assertTrue(e.isRowGone());
        drafts("draft", 4);
        assertEquals(4, db.delete(DOCUMENT).where(DOCUMENT.TITLE.eq("draft"))
                .lockingPolicy(everyRow(optimistic(DOCUMENT.VERSION, 1L))).execute());
        assertEquals(0, ctx.fetchCount(DOCUMENT));
    }

    @Test
    void aRowChangedByATransactionThatCommitsMeanwhileIsSeen() throws Exception {
        List<Long> ids = drafts("draft", 3);
        try (Connection other = DATABASE.connect()) {
            other.setAutoCommit(false);
            DSLContext writer = DSL.using(other, SQLDialect.POSTGRES);
            writer.update(DOCUMENT).set(DOCUMENT.VERSION, 2L).where(DOCUMENT.ID.eq(ids.get(2))).execute();
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> db.update(DOCUMENT)
                    .set(DOCUMENT.BODY, "cleared").where(DOCUMENT.TITLE.eq("draft"))
                    .lockingPolicy(everyRow(optimistic(DOCUMENT.VERSION, 1L))).execute());
            // the statement waits for the other transaction's row lock
            Thread.sleep(300);
            assertTrue(!blocked.isDone(), "the statement waits for the row the other transaction holds");
            other.commit();
            Exception e = assertThrows(Exception.class, () -> blocked.get(30, TimeUnit.SECONDS));
            ConflictException conflict = (ConflictException) e.getCause();
            assertEquals(List.of(new ConflictException.Row("id = " + ids.get(2), 1L, 2L)), conflict.rows());
        }
        assertEquals(0, ctx.fetchCount(DOCUMENT, DOCUMENT.BODY.eq("cleared")), "no row written, not even the unchanged ones");
    }

    @Test
    void aRecordNamesOneRowAndCannotBeEveryRow() {
        var r = ctx.fetchOne(DOCUMENT, DOCUMENT.ID.eq(drafts("draft", 1).get(0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> everyRow(optimistic(r)));
        assertEquals("everyRow(optimistic(public.document.version = 1)) needs a policy with an expected value, "
                + "optimistic(VERSION, expected) or compareAndSet(COLUMN, expected): a record, or the record of "
                + "set(record), names one row", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> everyRow(optimistic(DOCUMENT.VERSION)));
    }
}
