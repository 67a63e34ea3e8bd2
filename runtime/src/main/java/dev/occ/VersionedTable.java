package dev.occ;

import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;

/**
 * A table with a version column, as occ's code generator marks it. Generated table classes of
 * versioned tables implement this interface; tables without a version column do not, so locking on
 * them by table or by record does not compile.
 *
 * <pre>
 * TableField&lt;ResourceRecord, Integer&gt; v = RESOURCE.versionField(); // RESOURCE.VERSION
 * VersionKind kind = RESOURCE.versionKind();                         // COUNTER
 * </pre>
 *
 * @param <R> the table's record type
 * @param <V> the version column's Java type ({@code Integer}, {@code Long}, {@code OffsetDateTime}, ...)
 */
public interface VersionedTable<R extends Record, V> extends Table<R> {

    /**
     * The version column of this table.
     *
     * @return the version field, never {@code null}
     */
    TableField<R, V> versionField();

    /**
     * Whether the version is a counter or a timestamp.
     *
     * @return the kind of the version column, never {@code null}
     */
    VersionKind versionKind();
}
