package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.DOCUMENT;

import dev.occ.test.db.tables.records.DocumentRecord;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The batch job of {@code BatchProcessTest}, in a JVM of its own: a batch update of documents
 * {@code 1..rows}, each from version 1 to the body {@code "job <id>"}, generated lazily. Arguments:
 * JDBC URL, user, password, rows, chunk size, and {@code stream} (read lazily) or {@code list} (all
 * records built first, the control of the memory test). It prints {@code CHUNK <rows done>} after
 * each chunk and {@code DONE <report>} at the end.
 */
public final class BatchChild {

    private BatchChild() {
    }

    /** The record the job writes for document {@code id}: what a rerun of the job brings again. */
    static DocumentRecord row(long id) {
        DocumentRecord r = new DocumentRecord();
        r.setId(id);
        r.setVersion(1L);
        r.setBody("job " + id);
        return r;
    }

    /** @return the job's rows, generated as they are read */
    static Stream<DocumentRecord> rows(long n) {
        return LongStream.rangeClosed(1, n).mapToObj(BatchChild::row);
    }

    public static void main(String[] args) {
        DSLContext ctx = DSL.using(args[0], args[1], args[2]);
        long n = Long.parseLong(args[3]);
        int chunk = Integer.parseInt(args[4]);
        Stream<DocumentRecord> rows = args[5].equals("list") ? List.copyOf(rows(n).toList()).stream() : rows(n);
        BatchReport<DocumentRecord> report = Occ.using(ctx).batchUpdate(DOCUMENT).set(DOCUMENT.BODY)
                .lockingPolicy(optimistic(DOCUMENT.VERSION)).rows(rows).chunkSize(chunk)
                .onProgress(p -> {
                    System.out.println("CHUNK " + p.rowsDone());
                    System.out.flush();
                })
                .execute();
        System.out.println("DONE " + report + " heap used " + (Runtime.getRuntime().totalMemory()
                - Runtime.getRuntime().freeMemory()) / (1 << 20) + " MB");
    }
}
