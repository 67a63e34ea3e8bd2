package dev.occ;

import org.jooq.Record;
import org.jooq.Result;
import org.jspecify.annotations.Nullable;

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
     * @return the updated row; {@code null} only under a {@linkplain PessimisticPolicy#skipLocked()
     *     skip-locked} policy that found no row it could lock
     * @throws ConflictException when no row was updated under an optimistic policy
     * @throws org.jooq.exception.TooManyRowsException when more than one row was updated (only a
     *     policy that names several rows can: {@code everyRow(..)} or a pessimistic one; the updates
     *     stay applied unless the surrounding transaction rolls back)
     */
    @Nullable R fetchOne();

    /**
     * Runs the UPDATE and returns the updated rows.
     *
     * @return the updated rows: at least one under an optimistic policy
     * @throws ConflictException when no row was updated under an optimistic policy
     */
    Result<R> fetch();

    /**
     * The SQL that runs, with {@code ?} for bind values.
     *
     * @return the SQL
     */
    String getSQL();
}
