package dev.occ;

import org.jooq.Record;

/**
 * A locked UPDATE after at least one {@code set(..)}: set more columns, or name the rows with
 * {@code where(..)}, as jOOQ's {@code UpdateSetMoreStep} combines its set and where steps.
 *
 * @param <R> the table's record type
 */
public interface LockingUpdateSetMoreStep<R extends Record> extends LockingUpdateSetFirstStep<R>,
        LockingUpdateWhereStep<R> {
}
