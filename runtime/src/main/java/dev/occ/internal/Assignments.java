package dev.occ.internal;

import java.util.Arrays;
import org.jooq.Field;
import org.jspecify.annotations.Nullable;

/**
 * [occ#15] The SET clause of a locked UPDATE: columns and their values in the order first set, a
 * column set again keeping its place with its new value (as a {@code LinkedHashMap} would keep them,
 * in two arrays, without a node per column). An update sets a few columns, so finding one is a
 * scan; a locked update on occ's direct path allocates nothing else for its SET clause.
 */
public final class Assignments {

    private Field<?>[] columns = new Field<?>[4];
    private Field<?>[] values = new Field<?>[4];
    private int size;

    /**
     * Sets {@code column} to {@code value}: a new column joins at the end, a known one takes the new
     * value. Columns are the table's own field objects (the statement resolves them with
     * {@code table.field(..)}), so they are found by identity.
     */
    public void put(Field<?> column, Field<?> value) {
        int i = identityIndexOf(column);
        if (i >= 0) {
            values[i] = value;
            return;
        }
        if (size == columns.length) {
            columns = Arrays.copyOf(columns, 2 * size);
            values = Arrays.copyOf(values, 2 * size);
        }
        columns[size] = column;
        values[size++] = value;
    }

    /** @return whether the column is set, by identity or by jOOQ's equality of fields */
    boolean contains(@Nullable Field<?> column) {
        if (identityIndexOf(column) >= 0) {
            return true;
        }
        for (int i = 0; i < size; i++) {
            if (columns[i].equals(column)) {
                return true;
            }
        }
        return false;
    }

    private int identityIndexOf(@Nullable Field<?> column) {
        for (int i = 0; i < size; i++) {
            if (columns[i] == column) {
                return i;
            }
        }
        return -1;
    }

    /** @return how many columns are set */
    public int size() {
        return size;
    }

    /** @return the {@code i}-th column set */
    public Field<?> column(int i) {
        return columns[i];
    }

    /** @return the value of the {@code i}-th column set */
    public Field<?> value(int i) {
        return values[i];
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Assignments[");
        for (int i = 0; i < size; i++) {
            s.append(i == 0 ? "" : ", ").append(columns[i]).append(" = ").append(values[i]);
        }
        return s.append(']').toString();
    }
}
