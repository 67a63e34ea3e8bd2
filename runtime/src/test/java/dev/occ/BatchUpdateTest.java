package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.DOCUMENT;
import static dev.occ.test.db.Tables.PLAYER;
import static dev.occ.test.db.Tables.TEAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.DocumentRecord;
import dev.occ.test.db.tables.records.PlayerRecord;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Result;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** [occ#12] Batch updates and deletes: one statement per chunk, an exact outcome for every row. */
class BatchUpdateTest {

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

    static List<DocumentRecord> documents(int n) {
        return documents(ctx, n);
    }

    /** Inserts {@code n} documents titled doc1, doc2, ..., and reads them back by id. */
    static List<DocumentRecord> documents(DSLContext ctx, int n) {
        ctx.insertInto(DOCUMENT, DOCUMENT.TITLE, DOCUMENT.BODY)
                .select(DSL.select(DSL.val("doc").concat(DSL.field("g", Integer.class)), DSL.val(""))
                        .from(DSL.generateSeries(1, n).as("s", "g"))).execute();
        return new ArrayList<>(ctx.selectFrom(DOCUMENT).orderBy(DOCUMENT.ID).fetch());
    }

    private static Map<Long, Long> versions() {
        return ctx.select(DOCUMENT.ID, DOCUMENT.VERSION).from(DOCUMENT).fetchMap(DOCUMENT.ID, DOCUMENT.VERSION);
    }

    @Test
    void everyRowOfAChunkInOneStatement() {
        List<DocumentRecord> rows = documents(25);
        rows.forEach(r -> r.setBody("body of " + r.getTitle()));
        STATEMENTS.reset();
        List<BatchReport.Progress> progress = new ArrayList<>();
        BatchReport<DocumentRecord> report = db.batchUpdate(DOCUMENT).set(DOCUMENT.BODY)
                .lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(rows).chunkSize(10).onProgress(progress::add)
                .execute();
        assertEquals(3, STATEMENTS.reset(), "one statement per chunk of 10, 10, 5");
        assertEquals(new BatchReport<>(25, 25, 0, 0, 0, 0, List.of(), 3, 3, report.elapsed()), report);
        assertEquals(List.of(new BatchReport.Progress(10, 10, 0, 1), new BatchReport.Progress(20, 20, 0, 2),
                new BatchReport.Progress(25, 25, 0, 3)), progress);
        assertTrue(versions().values().stream().allMatch(v -> v == 2L), versions().toString());
        assertEquals(25, ctx.fetchCount(DOCUMENT, DOCUMENT.BODY.eq(DSL.val("body of ").concat(DOCUMENT.TITLE))));
        assertTrue(rows.stream().allMatch(r -> r.getVersion() == 1L), "the input records are left as they were");
    }

    @Test
    void staleMissingAndAlreadyAppliedRowsAreNamedWithOneMoreQuery() {
        List<DocumentRecord> rows = documents(10);
        rows.forEach(r -> r.setBody("new " + r.getTitle()));
        DocumentRecord stale = rows.get(2);
        DocumentRecord missing = rows.get(5);
        DocumentRecord applied = rows.get(7);
        ctx.update(DOCUMENT).set(DOCUMENT.VERSION, 9L).where(DOCUMENT.ID.eq(stale.getId())).execute();
        ctx.deleteFrom(DOCUMENT).where(DOCUMENT.ID.eq(missing.getId())).execute();
        ctx.update(DOCUMENT).set(DOCUMENT.BODY, applied.getBody()).set(DOCUMENT.VERSION, 2L)
                .where(DOCUMENT.ID.eq(applied.getId())).execute();
        STATEMENTS.reset();
        List<BatchRow<DocumentRecord>> seen = new ArrayList<>();
        BatchReport<DocumentRecord> report = db.batchUpdate(DOCUMENT).set(DOCUMENT.BODY)
                .lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(rows).onRow(seen::add).execute();
        assertEquals(2, STATEMENTS.reset(), "the update, and one query for the three rows it did not write");
        assertEquals(7, report.updated());
        assertEquals(1, report.stale());
        assertEquals(1, report.missing());
        assertEquals(1, report.alreadyApplied());
        assertEquals(List.of(
                new BatchRow<>(2, "id = " + stale.getId(), stale, BatchRow.Outcome.STALE, 1L, 9L),
                new BatchRow<>(5, "id = " + missing.getId(), missing, BatchRow.Outcome.MISSING, 1L, null),
                new BatchRow<>(7, "id = " + applied.getId(), applied, BatchRow.Outcome.ALREADY_APPLIED, 1L, 2L)),
                report.notWritten());
        assertEquals(10, seen.size());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L),
                seen.stream().map(BatchRow::position).toList(), "every row, in input order");
        assertEquals(BatchRow.Outcome.UPDATED, seen.get(0).outcome());
        assertEquals(2L, seen.get(0).actualVersion(), "an updated row's new version");
        assertEquals(9L, versions().get(stale.getId()), "the stale row is untouched");
        assertEquals(2L, versions().get(applied.getId()), "the applied row is not written twice");
    }

    @Test
    void aStaleRowWithOtherValuesIsNotAlreadyApplied() {
        List<DocumentRecord> rows = documents(2);
        rows.forEach(r -> r.setBody("mine"));
        ctx.update(DOCUMENT).set(DOCUMENT.BODY, "theirs").set(DOCUMENT.VERSION, 2L)
                .where(DOCUMENT.ID.eq(rows.get(0).getId())).execute();
        BatchReport<DocumentRecord> report = db.batchUpdate(DOCUMENT).set(DOCUMENT.BODY)
                .lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(rows).execute();
        assertEquals(List.of(BatchRow.Outcome.STALE), report.notWritten().stream().map(BatchRow::outcome).toList());
        assertEquals("theirs", ctx.fetchValue(DOCUMENT.BODY, DOCUMENT.ID.eq(rows.get(0).getId())));
    }

    @Test
    void aTimestampVersionMovesOnForEveryRow() {
        ctx.deleteFrom(PLAYER).execute();
        ctx.deleteFrom(TEAM).execute();
        int team = ctx.insertInto(TEAM, TEAM.NAME).values("t").returningResult(TEAM.ID).fetchOne(TEAM.ID);
        for (int i = 0; i < 5; i++) {
            ctx.insertInto(PLAYER, PLAYER.TEAM_ID, PLAYER.NAME, PLAYER.NUM_POINTS).values(team, "p" + i, 10).execute();
        }
        Result<PlayerRecord> players = ctx.selectFrom(PLAYER).orderBy(PLAYER.ID).fetch();
        Map<Integer, OffsetDateTime> before = players.stream()
                .collect(Collectors.toMap(PlayerRecord::getId, PlayerRecord::getUpdatedAt));
        players.forEach(p -> p.setNumPoints(p.getNumPoints() + 1));
        ctx.update(PLAYER).set(PLAYER.UPDATED_AT, PLAYER.UPDATED_AT.plus(1)).where(PLAYER.ID.eq(players.get(1).getId()))
                .execute();
        Map<Integer, BatchRow<PlayerRecord>> updated = new java.util.HashMap<>();
        BatchReport<PlayerRecord> report = db.batchUpdate(PLAYER).set(PLAYER.NUM_POINTS)
                .lockingPolicy(optimistic(PLAYER.UPDATED_AT)).rows(players)
                .onRow(r -> updated.put(r.record().getId(), r)).execute();
        assertEquals(4, report.updated());
        assertEquals(1, report.stale());
        for (PlayerRecord p : players) {
            if (p.getId() != players.get(1).getId().intValue()) {
                OffsetDateTime stored = ctx.fetchValue(PLAYER.UPDATED_AT, PLAYER.ID.eq(p.getId()));
                assertTrue(stored.isAfter(before.get(p.getId())), "moved on: " + p);
                assertEquals(stored.toInstant(), ((OffsetDateTime) updated.get(p.getId()).actualVersion()).toInstant(),
                        "the outcome names the stored version");
            }
        }
        assertEquals(10 + 1, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(players.get(0).getId())));
        assertEquals(10, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(players.get(1).getId())));
    }

    @Test
    void batchDeleteDeletesRowsStillAtTheirVersion() {
        List<DocumentRecord> rows = documents(6);
        ctx.update(DOCUMENT).set(DOCUMENT.VERSION, 3L).where(DOCUMENT.ID.eq(rows.get(1).getId())).execute();
        ctx.deleteFrom(DOCUMENT).where(DOCUMENT.ID.eq(rows.get(4).getId())).execute();
        STATEMENTS.reset();
        BatchReport<DocumentRecord> report = db.batchDelete(DOCUMENT).lockingPolicy(optimistic(DOCUMENT.VERSION))
                .rows(rows.stream()).execute();
        assertEquals(2, STATEMENTS.reset());
        assertEquals(4, report.deleted());
        assertEquals(List.of(new BatchRow<>(1, "id = " + rows.get(1).getId(), rows.get(1), BatchRow.Outcome.STALE, 1L,
                3L), new BatchRow<>(4, "id = " + rows.get(4).getId(), rows.get(4), BatchRow.Outcome.MISSING, 1L, null)),
                report.notWritten());
        assertEquals(Map.of(rows.get(1).getId(), 3L), versions(), "only the stale row is left");
    }

    @Test
    void allOrNothingRollsBackEveryChunkAndNamesEveryStaleRowOfTheChunk() {
        List<DocumentRecord> rows = documents(30);
        rows.forEach(r -> r.setBody("all"));
        List<Long> changed = List.of(rows.get(21).getId(), rows.get(24).getId(), rows.get(28).getId());
        ctx.update(DOCUMENT).set(DOCUMENT.VERSION, 4L).where(DOCUMENT.ID.in(changed.subList(0, 2))).execute();
        ctx.deleteFrom(DOCUMENT).where(DOCUMENT.ID.eq(changed.get(2))).execute();
        ConflictException e = assertThrows(ConflictException.class, () -> db.batchUpdate(DOCUMENT).set(DOCUMENT.BODY)
                .lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(rows).chunkSize(10).allOrNothing().execute());
        assertEquals(List.of(new ConflictException.Row("id = " + changed.get(0), 1L, 4L),
                new ConflictException.Row("id = " + changed.get(1), 1L, 4L),
                new ConflictException.Row("id = " + changed.get(2), 1L, null)), e.rows());
        assertEquals("Conflict in batch update of public.document, all or nothing: 3 of the 10 rows of the chunk from "
                + "position 20 were changed or deleted since they were read: (id = " + changed.get(0) + ") version = 4 "
                + "(expected 1), (id = " + changed.get(1) + ") version = 4 (expected 1), (id = " + changed.get(2)
                + ") missing (expected 1). Nothing of the batch was written; re-read the rows and run it again",
                e.getMessage());
        assertEquals(0, ctx.fetchCount(DOCUMENT, DOCUMENT.BODY.eq("all")), "the first two chunks were rolled back");
    }

    @Test
    void insideTheCallersTransactionNothingCommitsEarlyAndAllOrNothingRollsBackToTheSavepoint() {
        List<DocumentRecord> rows = documents(10);
        rows.forEach(r -> r.setBody("in tx"));
        ctx.update(DOCUMENT).set(DOCUMENT.VERSION, 2L).where(DOCUMENT.ID.eq(rows.get(9).getId())).execute();
        ConflictException e = assertThrows(ConflictException.class, () -> ctx.transaction(cfg -> {
            LockingDSLContext tx = Occ.using(cfg);
            cfg.dsl().update(DOCUMENT).set(DOCUMENT.TITLE, "before the batch").where(DOCUMENT.ID.eq(rows.get(0).getId()))
                    .execute();
            try {
                tx.batchUpdate(DOCUMENT).set(DOCUMENT.BODY).lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(rows)
                        .chunkSize(5).allOrNothing().execute();
            } finally {
                // the savepoint undid the batch's first chunk, not the caller's own statement
                assertEquals(0, cfg.dsl().fetchCount(DOCUMENT, DOCUMENT.BODY.eq("in tx")));
                assertEquals(1, cfg.dsl().fetchCount(DOCUMENT, DOCUMENT.TITLE.eq("before the batch")));
            }
        }));
        assertEquals(1, e.rows().size());
        // collect mode in a transaction: the caller's rollback undoes the whole batch
        List<DocumentRecord> fresh = new ArrayList<>(ctx.selectFrom(DOCUMENT).orderBy(DOCUMENT.ID).fetch());
        fresh.forEach(r -> r.setBody("collected"));
        assertThrows(IllegalStateException.class, () -> ctx.transaction(cfg -> {
            BatchReport<DocumentRecord> report = Occ.using(cfg).batchUpdate(DOCUMENT).set(DOCUMENT.BODY)
                    .lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(fresh).chunkSize(3).execute();
            assertEquals(10, report.updated());
            throw new IllegalStateException("the caller rolls back");
        }));
        assertEquals(0, ctx.fetchCount(DOCUMENT, DOCUMENT.BODY.eq("collected")));
    }
}
