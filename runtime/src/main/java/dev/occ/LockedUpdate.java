package dev.occ;

import java.util.List;
import org.jooq.CheckReturnValue;
import org.jooq.Record;
import org.jooq.SelectFieldOrAsterisk;

/**
 * A complete locked UPDATE: execute it, or ask for the updated row back.
 *
 * <pre>
 * int updated = db.update(RESOURCE).set(..).where(RESOURCE.ID.eq(id))
 *                 .lockingPolicy(optimistic(RESOURCE.VERSION, 3))
 *                 .execute();
 * // update "public"."resource" set "name" = ?, "version" = ("public"."resource"."version" + 1)
 * //   where ("public"."resource"."id" = ? and "public"."resource"."version" = ?)
 * </pre>
 *
 * <p>Success costs one statement. When no row was written, occ asks the database once more why
 * (row gone, or version changed) and throws a {@link ConflictException}.
 *
 * @param <R> the table's record type
 */
public interface LockedUpdate<R extends Record> {

    /**
     * Runs the UPDATE.
     *
     * @return the number of rows updated, at least 1
     * @throws ConflictException when no row was updated: the row is gone or its version moved on
     * @throws org.jooq.exception.DataAccessException when the database reports another error
     */
    int execute();

    /**
     * Asks for all columns of the updated rows back ({@code RETURNING *}), including the version
     * the database stored.
     *
     * @return the step that fetches them
     */
    @CheckReturnValue
    LockedUpdateResultStep<R> returning();

    /**
     * Asks for some columns of the updated rows back ({@code RETURNING ...}).
     *
     * @param fields the columns to return
     * @return the step that fetches them
     */
    @CheckReturnValue
    LockedUpdateResultStep<R> returning(SelectFieldOrAsterisk... fields);

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
