package dev.occ.internal;

import java.util.Arrays;
import org.jooq.Record;

/**
 * [occ#12] The rows of one chunk of a batch, column by column as the statement binds them; one
 * instance serves every chunk of a batch, so memory is bounded by the chunk size.
 */
final class BatchChunk<R extends Record> {

    private final Object[] records;
    /** By column (key, version, set columns), then by row. */
    private final Object[][] columns;
    private final int versionColumn;
    private long first;
    private int size;

    BatchChunk(int capacity, int columnCount, int versionColumn) {
        this.records = new Object[capacity];
        this.columns = new Object[columnCount][capacity];
        this.versionColumn = versionColumn;
    }

    /** Empties the chunk, whose first row is at {@code first} in the batch's input. */
    void clear(long first) {
        Arrays.fill(records, 0, size, null);
        for (Object[] column : columns) {
            Arrays.fill(column, 0, size, null);
        }
        this.first = first;
        this.size = 0;
    }

    /** Adds a row and its values in the order of the columns. */
    void add(R record, Object[] values) {
        records[size] = record;
        for (int c = 0; c < values.length; c++) {
            columns[c][size] = values[c];
        }
        size++;
    }

    boolean isFull() {
        return size == records.length;
    }

    int size() {
        return size;
    }

    /** @return the input position of the chunk's first row */
    long first() {
        return first;
    }

    @SuppressWarnings("unchecked")
    R record(int i) {
        return (R) records[i];
    }

    Object expected(int i) {
        return columns[versionColumn][i];
    }

    Object value(int column, int i) {
        return columns[column][i];
    }

    /** @return the values of a column, valid up to {@link #size()} */
    Object[] column(int column) {
        return columns[column];
    }
}
