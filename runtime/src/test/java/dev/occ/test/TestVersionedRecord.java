package dev.occ.test;

import dev.occ.VersionedRecord;
import dev.occ.VersionedTable;
import org.jooq.TableField;
import org.jooq.TableRecord;

/**
 * The record side of {@link TestVersionedTable}: the record class of each versioned table of the
 * tests' jOOQ classes implements this interface, and its version field is its table's.
 *
 * @param <R> the record type itself
 * @param <V> the version column's Java type
 */
public interface TestVersionedRecord<R extends TableRecord<R>, V> extends VersionedRecord<R, V>, TableRecord<R> {

    /**
     * @return the version field of this record's table
     * @throws IllegalStateException when the table is not a {@link VersionedTable}
     */
    @Override
    @SuppressWarnings("unchecked") // the matcher strategy gives the table and its record the same V
    default TableField<R, V> versionField() {
        if (getTable() instanceof VersionedTable<?, ?> table) {
            return (TableField<R, V>) table.versionField();
        }
        throw new IllegalStateException(getClass().getName() + " implements " + TestVersionedRecord.class.getName()
                + " but its table " + getTable().getQualifiedName() + " is not a " + VersionedTable.class.getName());
    }
}
