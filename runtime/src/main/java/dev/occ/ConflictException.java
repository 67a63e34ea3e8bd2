package dev.occ;

import java.util.List;
import java.util.Objects;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.exception.DataChangedException;
import org.jspecify.annotations.Nullable;

/**
 * A locked UPDATE or DELETE found no row to write: either the row is gone, or its version moved on
 * since the caller read it. Nothing was written by the failed statement; inside a jOOQ
 * {@code transactionResult(..)} block the exception rolls back the whole block and reaches the
 * caller as it is.
 *
 * <p>It extends jOOQ's {@link DataChangedException}, so handlers written for
 * {@code UpdatableRecord.store()} with optimistic locking keep working. It carries what a caller
 * needs to explain or to retry: the {@linkplain #table() table}, the {@linkplain #key() key}, the
 * {@linkplain #expectedVersion() expected} and the {@linkplain #actualVersion() actual} version.
 *
 * <pre>
 * try {
 *     Occ.using(ctx).update(RESOURCE).set(..).where(RESOURCE.ID.eq(id))
 *        .lockingPolicy(optimistic(RESOURCE.VERSION, ifMatch)).execute();
 * } catch (ConflictException e) {
 *     return e.isRowGone() ? notFound() : conflict(e.actualVersion()); // HTTP 404 / 409
 * }
 * </pre>
 */
public final class ConflictException extends DataChangedException {

    private static final long serialVersionUID = 1L;

    /** What the conflict diagnosis found. */
    public enum Kind {

        /** No row matches the where clause any more: it was deleted, or never existed. */
        ROW_GONE,

        /** The row is there, but its version (or compared value) is not the expected one. */
        VERSION_CHANGED
    }

    /**
     * One row a locked statement did not write, as the diagnosis found it.
     *
     * @param key the row's primary key values, such as {@code id = 42}, or, for a row that is gone, the
     *     where clause with its values
     * @param expectedVersion the version (or compared value) the statement expected
     * @param actualVersion the version the row has now, or {@code null} when it is gone
     */
    public record Row(String key, Object expectedVersion, @Nullable Object actualVersion) {
    }

    private final Kind kind;
    private final transient Table<?> table;
    private final transient Field<?> versionField;
    private final String key;
    private final transient Object expectedVersion;
    private final transient @Nullable Object actualVersion;
    private final transient List<Row> rows;
    private volatile int attempts = 1;

    /**
     * A conflict as occ's diagnosis reports it; applications rarely make one themselves, but may, for
     * example to test their handlers.
     *
     * @param kind what the diagnosis found
     * @param table the table the statement wrote to
     * @param versionField the version column, or the compared column of a compare-and-set
     * @param key the row's key, readable, see {@link #key()}
     * @param expectedVersion the version the statement expected
     * @param actualVersion the version the row has now, or {@code null} when it is gone
     * @param message the message, which names all of the above
     * @throws NullPointerException when {@code kind} is {@code null}
     */
    public ConflictException(Kind kind, Table<?> table, Field<?> versionField, String key, Object expectedVersion,
            @Nullable Object actualVersion, String message) {
        this(kind, table, versionField, List.of(new Row(key, expectedVersion, actualVersion)), message);
    }

    /**
     * A conflict of a statement that locked several rows on purpose ({@link Occ#everyRow}): every row
     * it found that kept the statement from writing, the first of them also as {@link #key()},
     * {@link #expectedVersion()} and {@link #actualVersion()}.
     *
     * @param kind what the diagnosis found: {@link Kind#ROW_GONE} when no row matched at all
     * @param table the table the statement wrote to
     * @param versionField the version column, or the compared column of a compare-and-set
     * @param rows the rows that kept the statement from writing, at least one
     * @param message the message, which names them
     * @throws NullPointerException when an argument is {@code null}
     * @throws IllegalArgumentException when {@code rows} is empty
     */
    public ConflictException(Kind kind, Table<?> table, Field<?> versionField, List<Row> rows, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind cannot be null");
        this.table = table;
        this.versionField = versionField;
        this.rows = List.copyOf(rows);
        if (this.rows.isEmpty()) {
            throw new IllegalArgumentException("rows cannot be empty: a conflict names at least one row");
        }
        Row first = this.rows.get(0);
        this.key = first.key();
        this.expectedVersion = first.expectedVersion();
        this.actualVersion = first.actualVersion();
    }

    /** @return whether the row is gone or its version changed */
    public Kind kind() {
        return kind;
    }

    /** @return {@code true} when no row matches the where clause any more */
    public boolean isRowGone() {
        return kind == Kind.ROW_GONE;
    }

    /** @return the table the statement wrote to */
    public Table<?> table() {
        return table;
    }

    /** @return the version column (or, for compare-and-set, the compared column) */
    public Field<?> versionField() {
        return versionField;
    }

    /**
     * The row's key: its primary key values, such as {@code id = 42}, when the row was found;
     * otherwise the where clause with its values, such as {@code "public"."resource"."id" = 42}.
     *
     * @return the key, readable
     */
    public String key() {
        return key;
    }

    /**
     * Every row the statement did not write: the one row of a single-row statement, or, for
     * {@link Occ#everyRow}, each row whose version was not the expected one (at most the first 100).
     *
     * @return the rows, at least one
     */
    public List<Row> rows() {
        return rows;
    }

    /** @return the version the caller expected */
    public Object expectedVersion() {
        return expectedVersion;
    }

    /** @return the version the row has now, or {@code null} when the row is gone */
    public @Nullable Object actualVersion() {
        return actualVersion;
    }

    /**
     * How many attempts a {@link RetryPolicy} made before it gave up with this conflict; 1 when the
     * statement ran without a retry policy.
     *
     * @return the number of attempts
     */
    public int attempts() {
        return attempts;
    }

    void attempts(int attempts) {
        this.attempts = attempts;
    }
}
