package dev.occ;

import org.jooq.Table;
import org.jooq.exception.DataAccessException;

/**
 * A {@linkplain PessimisticPolicy pessimistic} statement could not lock a row that another
 * transaction holds: with {@code noWait()} at once, with {@code waitAtMost(..)} when the time
 * passed (PostgreSQL's SQLSTATE {@code 55P03}, {@code lock_not_available}). Nothing was written by
 * the statement; the transaction is aborted, as after any failed statement in PostgreSQL, and rolls
 * back. Retry the unit with {@code RetryPolicy.builder().handleSqlStates("55P03")}, or report that
 * the row is busy (HTTP 409 or 423).
 *
 * <pre>
 * Conflict on public.player where "public"."player"."id" = 7: the row is locked by another transaction
 *   (FOR UPDATE NOWAIT); ...
 * </pre>
 */
public final class LockNotAvailableException extends DataAccessException {

    private static final long serialVersionUID = 1L;

    private final transient Table<?> table;
    private final String rows;

    /**
     * A lock failure as occ reports it.
     *
     * @param table the table whose rows could not be locked
     * @param rows the rows, readable: the statement's where clause with its values
     * @param message the message, which names both
     * @param cause PostgreSQL's {@code 55P03} failure
     */
    public LockNotAvailableException(Table<?> table, String rows, String message, Throwable cause) {
        super(message, cause);
        this.table = table;
        this.rows = rows;
    }

    /** @return the table whose rows could not be locked */
    public Table<?> table() {
        return table;
    }

    /** @return the rows the statement named, readable, such as {@code "public"."player"."id" = 7} */
    public String rows() {
        return rows;
    }

    /** @return {@code "55P03"} */
    @Override
    public String sqlState() {
        return "55P03";
    }
}
