package dev.occ;

import org.jooq.Record;
import org.jooq.TableField;
import org.jspecify.annotations.Nullable;

/**
 * A record of a {@link VersionedTable}, as occ's code generator marks it: it knows its version
 * column and its version value, so that {@code optimistic(record)} needs nothing else.
 *
 * <pre>
 * ResourceRecord r = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(id));
 * Integer v = r.version();             // the version read with the row
 * </pre>
 *
 * @param <R> the record type itself
 * @param <V> the version column's Java type
 */
public interface VersionedRecord<R extends Record, V> extends Record {

    /**
     * The version column of this record's table.
     *
     * @return the version field, never {@code null}
     */
    TableField<R, V> versionField();

    /**
     * The version value this record holds, which is the version read with the row or, after a
     * successful locked update through occ, the version the database stored.
     *
     * @return the version value; {@code null} only for a record that was never read nor stored
     */
    default @Nullable V version() {
        return get(versionField());
    }
}
