package dev.occ;

import java.util.List;
import org.jooq.Record;

/**
 * A complete locked DELETE: {@code DELETE FROM t WHERE ... AND version = ?}.
 *
 * @param <R> the table's record type
 */
public interface LockedDelete<R extends Record> {

    /**
     * Runs the DELETE.
     *
     * @return the number of rows deleted, at least 1
     * @throws ConflictException when no row was deleted: the row is gone or its version moved on
     */
    int execute();

    /**
     * The SQL that runs, with {@code ?} for bind values.
     *
     * @return the SQL
     */
    String getSQL();

    /**
     * The bind values, in order.
     *
     * @return the values
     */
    List<Object> getBindValues();

    /**
     * The SQL with its values inlined, for logs and debugging.
     *
     * @return the SQL
     */
    @Override
    String toString();
}
