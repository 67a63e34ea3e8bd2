package dev.occ;

import org.jooq.Record;
import org.jooq.Result;

/**
 * A locked UPDATE with {@code RETURNING}: fetch the rows as the database stored them, including the
 * new version (also when a trigger or a default set it).
 *
 * <pre>
 * ResourceRecord updated = db.update(RESOURCE).set(RESOURCE.NAME, "renamed")
 *     .where(RESOURCE.ID.eq(id))
 *     .lockingPolicy(optimistic(RESOURCE.VERSION, ifMatch))
 *     .returning()
 *     .fetchOne();
 * String etag = "\"" + updated.getVersion() + "\"";
 * </pre>
 *
 * @param <R> the table's record type
 */
public interface LockedUpdateResultStep<R extends Record> {

    /**
     * Runs the UPDATE and returns the one updated row.
     *
     * @return the updated row
     * @throws ConflictException when no row was updated
     * @throws org.jooq.exception.TooManyRowsException when more than one row was updated (the
     *     updates stay applied unless the surrounding transaction rolls back)
     */
    R fetchOne();

    /**
     * Runs the UPDATE and returns the updated rows.
     *
     * @return the updated rows, at least one
     * @throws ConflictException when no row was updated
     */
    Result<R> fetch();

    /**
     * The SQL that runs, with {@code ?} for bind values.
     *
     * @return the SQL
     */
    String getSQL();
}
