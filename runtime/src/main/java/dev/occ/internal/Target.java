package dev.occ.internal;

import org.jooq.Condition;
import org.jooq.Record;
import org.jooq.Table;
import org.jspecify.annotations.Nullable;

/**
 * What a policy may know of the statement it is given to, when it turns into a {@link LockPlan}.
 *
 * @param <R> the record type of the table the statement writes
 */
public interface Target<R extends Record> {

    /** @return the table the statement writes */
    Table<R> table();

    /** @return the statement's where clause, without any lock's check */
    Condition condition();

    /** @return the record given to {@code set(Record)}, or {@code null} when none was */
    @Nullable Record setRecord();

    /** @return {@code "update"} or {@code "delete"}, for messages */
    String verb();
}
