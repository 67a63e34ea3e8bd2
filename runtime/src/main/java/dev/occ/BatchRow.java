package dev.occ;

import org.jooq.Record;
import org.jspecify.annotations.Nullable;

/**
 * What a batch did with one row.
 *
 * @param <R> the table's record type
 * @param position the row's position in the batch's input, from 0
 * @param key the row's primary key, such as {@code id = 42}
 * @param record the input record, as it was given (a batch does not change its input; the new
 *     version of an updated row is {@code actualVersion})
 * @param outcome what happened
 * @param expectedVersion the version the row was expected to have
 * @param actualVersion {@link Outcome#UPDATED}: the new version; {@link Outcome#STALE} and
 *     {@link Outcome#ALREADY_APPLIED}: the version found; {@code null} when the row was deleted or is
 *     missing
 */
public record BatchRow<R extends Record>(long position, String key, R record, Outcome outcome,
        Object expectedVersion, @Nullable Object actualVersion) {

    /** What a batch did with a row. */
    public enum Outcome {

        /** Written: the version was the expected one, and moved on. */
        UPDATED,

        /** Deleted: the version was the expected one. */
        DELETED,

        /** Not written: another transaction changed the row since it was read (its version moved on). */
        STALE,

        /**
         * Not written: no row has the key (it was deleted, or never existed; for a batch delete this
         * includes a row an earlier run of the same batch deleted).
         */
        MISSING,

        /**
         * Not written, since it already was: the row's version is exactly one past the expected one
         * and every written column holds this row's new value, which is what a rerun of a batch that
         * died after a commit finds. Only a counter version can tell; a timestamp version reports
         * such a row {@link #STALE}.
         */
        ALREADY_APPLIED;

        /** @return whether the row holds what the batch meant it to: updated, deleted or already applied */
        public boolean applied() {
            return this != STALE && this != MISSING;
        }
    }
}
