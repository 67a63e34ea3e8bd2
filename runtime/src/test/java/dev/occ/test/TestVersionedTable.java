package dev.occ.test;

import dev.occ.VersionKind;
import dev.occ.VersionedTable;
import org.jooq.Record;
import org.jooq.TableField;

/**
 * occ's version metadata for the tests' jOOQ classes ({@code dev.occ.test.db}), which jOOQ's plain
 * {@code JavaGenerator} writes (occ's own generator depends on occ-runtime, so it cannot generate
 * occ-runtime's test classes). A matcher strategy in {@code runtime/pom.xml} makes the table class of
 * each versioned table implement this interface; the version column is the one jOOQ itself chose
 * from {@code <recordVersionFields>} and {@code <recordTimestampFields>}: the counter when there is
 * one, as occ's generator decides, else the timestamp.
 *
 * @param <R> the table's record type
 * @param <V> the version column's Java type
 */
public interface TestVersionedTable<R extends Record, V> extends VersionedTable<R, V> {

    /**
     * @return jOOQ's record version field, else its record timestamp field
     * @throws IllegalStateException when jOOQ knows neither for this table: the matcher strategy names
     *     a table that the version settings do not cover
     */
    @Override
    @SuppressWarnings("unchecked") // the matcher strategy gives V as the column's Java type
    default TableField<R, V> versionField() {
        TableField<R, ?> field = getRecordVersion() != null ? getRecordVersion() : getRecordTimestamp();
        if (field == null) {
            throw new IllegalStateException(getQualifiedName() + " implements " + TestVersionedTable.class.getName()
                    + " but jOOQ found no record version or timestamp column in it; match it in"
                    + " <recordVersionFields> or <recordTimestampFields>, or take it out of the matcher strategy");
        }
        return (TableField<R, V>) field;
    }

    /** @return {@code COUNTER} for jOOQ's record version field, {@code TIMESTAMP} for its record timestamp */
    @Override
    default VersionKind versionKind() {
        versionField(); // fails for a table with neither
        return getRecordVersion() != null ? VersionKind.COUNTER : VersionKind.TIMESTAMP;
    }
}
