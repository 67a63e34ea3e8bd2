package dev.occ;

import static dev.occ.Occ.compareAndSet;
import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.DOCUMENT;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.occ.test.db.tables.records.DocumentRecord;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** [occ#12] Bad input to a batch: a clear error before any SQL of the chunk runs, naming the row. */
class BatchMisuseTest {

    @RegisterExtension
    static final LockingDatabase DATABASE = LockingDatabase.migrated();
    static final Databases.StatementCounter STATEMENTS = DATABASE.statements();
    static final DSLContext ctx = DATABASE.ctx();
    static final LockingDSLContext db = DATABASE.db();

    private List<DocumentRecord> rows;

    @BeforeEach
    void documents() {
        ctx.deleteFrom(DOCUMENT).execute();
        rows = new ArrayList<>(BatchUpdateTest.documents(ctx, 8));
        rows.forEach(r -> r.setBody("changed"));
        STATEMENTS.reset();
    }

    private Batch<DocumentRecord> batch(List<DocumentRecord> input) {
        return db.batchUpdate(DOCUMENT).set(DOCUMENT.BODY).lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(input)
                .chunkSize(4);
    }

    private IllegalArgumentException fails(List<DocumentRecord> input) {
        return assertThrows(IllegalArgumentException.class, () -> batch(input).execute());
    }

    @Test
    void theSameKeyTwiceInAChunkNamesBothPositionsAndRunsNothingOfTheChunk() {
        DocumentRecord again = rows.get(5).copy();
        again.setId(rows.get(5).getId());
        rows.add(6, again);
        IllegalArgumentException e = fails(rows);
        assertEquals("batch update of public.document: the row at position 6 (id = " + rows.get(5).getId() + ") names "
                + "the same row as the row at position 5 of the same chunk; PostgreSQL would write it once, with either "
                + "row's values. Give each row of a batch once (keep the last change of a row, or merge them). Nothing "
                + "of its chunk (from position 4) ran; the 1 chunks before it wrote 4 rows", e.getMessage());
        assertEquals(1, STATEMENTS.reset(), "only the first chunk ran");
        assertEquals(4, ctx.fetchCount(DOCUMENT, DOCUMENT.BODY.eq("changed")), "the first chunk committed");
    }

    @Test
    void theSameKeyInTwoChunksIsCheckedAgainstWhatTheFirstWrote() {
        DocumentRecord again = rows.get(0).copy();
        again.setId(rows.get(0).getId());
        again.setVersion(1L);
        again.setBody("later");
        rows.add(again);
        BatchReport<DocumentRecord> report = batch(rows).execute();
        assertEquals(8, report.updated());
        assertEquals(List.of(BatchRow.Outcome.STALE), report.notWritten().stream().map(BatchRow::outcome).toList());
        assertEquals(8, report.notWritten().get(0).position());
    }

    @Test
    void aNullExpectedVersionIsNamed() {
        rows.get(2).setVersion(null);
        assertEquals("batch update of public.document: the row at position 2 (id = " + rows.get(2).getId() + ") has no "
                + "value for version column public.document.version; each row brings the version it was read with "
                + "(read it from the database, or insert new rows instead). Nothing of its chunk (from position 0) ran; "
                + "the 0 chunks before it wrote 0 rows", fails(rows).getMessage());
        assertEquals(0, STATEMENTS.reset());
    }

    @Test
    void aNullKeyIsNamed() {
        rows.get(3).setId(null);
        assertEquals("batch update of public.document: the row at position 3 has no value for key column "
                + "public.document.id; a row of a batch names its row by the primary key. Nothing of its chunk (from "
                + "position 0) ran; the 0 chunks before it wrote 0 rows", fails(rows).getMessage());
        assertEquals(0, STATEMENTS.reset());
    }

    @Test
    void aNullRecordIsNamed() {
        rows.set(1, null);
        assertEquals("batch update of public.document: the row at position 1 is null; every row of a batch is a record "
                + "of public.document. Nothing of its chunk (from position 0) ran; the 0 chunks before it wrote 0 rows",
                fails(rows).getMessage());
    }

    @Test
    @SuppressWarnings({ "unchecked", "rawtypes" })
    void aValueOfTheWrongTypeIsNamed() {
        rows.get(6).set((Field) DOCUMENT.BODY, 42);
        IllegalArgumentException e = fails(rows);
        assertEquals("batch update of public.document: the row at position 6 (id = " + rows.get(6).getId() + ") holds "
                + "42, a java.lang.Integer, for column public.document.body, which holds java.lang.String values; pass a "
                + "String. Nothing of its chunk (from position 4) ran; the 1 chunks before it wrote 4 rows",
                e.getMessage());
        rows.get(6).setBody("changed");
        rows.get(7).set((Field) DOCUMENT.VERSION, 1);
        // the rows the first chunk wrote left out: a position is one in the batch's own input
        assertEquals("batch update of public.document: the row at position 3 (id = " + rows.get(7).getId() + ") holds "
                + "1, a java.lang.Integer, for column public.document.version, which holds java.lang.Long values; pass "
                + "a Long. Nothing of its chunk (from position 0) ran; the 0 chunks before it wrote 0 rows",
                fails(rows.subList(4, 8)).getMessage());
    }

    @Test
    void statementsThatCannotBeABatchFailBeforeAnySql() {
        assertEquals("batch update of public.document: set(..) names the version column public.document.version, which "
                + "occ moves on itself; leave it out of set(..)", assertThrows(IllegalArgumentException.class,
                        () -> db.batchUpdate(DOCUMENT).set(DOCUMENT.VERSION, DOCUMENT.BODY)
                                .lockingPolicy(optimistic(DOCUMENT.VERSION))).getMessage());
        assertEquals("batch update of public.document: public.document.id is a primary key column, which names the row "
                + "each record writes; a batch cannot change it. Leave it out of set(..)",
                assertThrows(IllegalArgumentException.class, () -> db.batchUpdate(DOCUMENT).set(DOCUMENT.ID))
                        .getMessage());
        assertEquals("batch update of public.document: public.resource.name is not a column of public.document; set "
                + "columns of the table the batch writes", assertThrows(IllegalArgumentException.class,
                        () -> db.batchUpdate(DOCUMENT).set(RESOURCE.NAME)).getMessage());
        assertEquals("batch update of public.document: set(..) names no column; name the columns every row writes, "
                + "such as set(DOCUMENT.NAME)", assertThrows(IllegalArgumentException.class,
                        () -> db.batchUpdate(DOCUMENT).set()).getMessage());
        assertEquals("batch update of public.document: set(..) names public.document.body twice; name each column once",
                assertThrows(IllegalArgumentException.class,
                        () -> db.batchUpdate(DOCUMENT).set(DOCUMENT.BODY, DOCUMENT.BODY)).getMessage());
        assertEquals("batch delete of public.document takes optimistic(VERSION), with no value: each row's expected "
                + "version is the one its record holds. optimistic(public.document.version = 1) names one version for "
                + "every row; write lockingPolicy(optimistic(DOCUMENT.VERSION))",
                assertThrows(IllegalArgumentException.class, () -> db.batchDelete(DOCUMENT)
                        .lockingPolicy(optimistic(DOCUMENT.VERSION, 1L))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> db.batchDelete(DOCUMENT)
                .lockingPolicy(compareAndSet(DOCUMENT.TITLE, "x")));
        assertEquals("chunkSize cannot be less than 1 rows, was 0", assertThrows(IllegalArgumentException.class,
                () -> batch(rows).chunkSize(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> batch(rows).chunkSize(100_001));
        assertThrows(IllegalArgumentException.class, () -> batch(rows).maxReportedRows(-1));
        assertThrows(NullPointerException.class, () -> batch(rows).onRow(null));
        assertEquals(0, STATEMENTS.reset(), "no SQL ran");
    }

    @Test
    @SuppressWarnings({ "unchecked", "rawtypes" })
    void aTableWithoutPrimaryKeyIsRefused() {
        // does not compile without the raw type: a table without a primary key has no UpdatableRecord
        Table noKey = DSL.table(DSL.name("public", "document"));
        assertEquals("batch update of public.document: the table has no primary key, so a row of the batch cannot "
                + "name the one row it writes; add one (alter table public.document add primary key (..)) and "
                + "regenerate", assertThrows(IllegalArgumentException.class, () -> db.batchUpdate(noKey)).getMessage());
    }

    @Test
    void aBatchRunsOnce() {
        Batch<DocumentRecord> batch = batch(rows);
        batch.execute();
        assertEquals("this batch update of public.document already ran; its rows were read. Build a new batch to run "
                + "again", assertThrows(IllegalStateException.class, batch::execute).getMessage());
    }
}
