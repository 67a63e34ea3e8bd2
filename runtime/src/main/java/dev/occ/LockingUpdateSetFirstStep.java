package dev.occ;

import java.util.Map;
import org.jooq.CheckReturnValue;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Record;
import org.jooq.Select;
import org.jspecify.annotations.Nullable;

/**
 * The {@code SET} clause of a locked UPDATE, as in jOOQ's {@code UpdateSetFirstStep}:
 *
 * <pre>
 * db.update(RESOURCE)
 *   .set(RESOURCE.NAME, "renamed")                       // a value, bound
 *   .set(RESOURCE.DATA, DSL.field(..))                   // an expression
 * </pre>
 *
 * <p>Do not set the version column of an {@linkplain Occ#optimistic(org.jooq.TableField, Object)
 * optimistic} policy: occ sets it itself.
 *
 * @param <R> the table's record type
 */
public interface LockingUpdateSetFirstStep<R extends Record> {

    /**
     * Sets a column to a value, which is sent as a bind value.
     *
     * @param <T> the column type
     * @param field the column
     * @param value the value, {@code null} for SQL {@code NULL}
     * @return the next step
     */
    @CheckReturnValue
    <T> LockingUpdateSetMoreStep<R> set(Field<T> field, @Nullable T value);

    /**
     * Sets a column to an expression, such as {@code PLAYER.NUM_POINTS.minus(2)}.
     *
     * @param <T> the column type
     * @param field the column
     * @param value the expression
     * @return the next step
     */
    @CheckReturnValue
    <T> LockingUpdateSetMoreStep<R> set(Field<T> field, @Nullable Field<T> value);

    /**
     * Sets a column to the result of a scalar subquery.
     *
     * @param <T> the column type
     * @param field the column
     * @param value a subquery returning one row with one column
     * @return the next step
     */
    @CheckReturnValue
    <T> LockingUpdateSetMoreStep<R> set(Field<T> field, @Nullable Select<? extends Record1<T>> value);

    /**
     * Sets several columns at once, as jOOQ's {@code set(Map)}: keys are {@link Field}s of the table
     * (or their names), values are values or {@link Field} expressions.
     *
     * @param values the columns and their new values
     * @return the next step
     */
    @CheckReturnValue
    LockingUpdateSetMoreStep<R> set(Map<?, ?> values);

    /**
     * Sets the {@linkplain Record#changed() changed} columns of a record to its values.
     *
     * @param record a record whose changed values are written
     * @return the next step
     */
    @CheckReturnValue
    LockingUpdateSetMoreStep<R> set(Record record);
}
