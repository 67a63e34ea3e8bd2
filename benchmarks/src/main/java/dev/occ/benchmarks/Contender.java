package dev.occ.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One way of doing a single-row locked update: {@code SET name = ?, data = ?, version = version + 1
 * WHERE id = ? AND version = ?} (or the library's equivalent), checking that one row was written.
 * Each contender owns one slot of rows ({@link BenchDatabase#slot(int)}) and a connection of its
 * own, and knows the version of each of its rows, as a client that read them earlier would.
 */
abstract class Contender implements AutoCloseable {

    /** The values written, prepared once so that no contender pays for building strings. */
    static final int VALUES = 1024;
    static final String[] NAMES = new String[VALUES];
    static final String[] JSONS = new String[VALUES];

    static {
        for (int i = 0; i < VALUES; i++) {
            NAMES[i] = "name " + i;
            JSONS[i] = "{\"n\": " + i + ", \"tag\": \"benchmark\"}";
        }
    }

    final Connection connection;
    final int[] ids;
    boolean transactional;

    Contender(Connection connection, int[] ids) {
        this.connection = connection;
        this.ids = ids;
    }

    abstract String name();

    /**
     * Autocommit (each update its own transaction), or an explicit transaction per update: the
     * harness commits it on the JDBC connection after the update.
     */
    void transactional(boolean transactional) throws SQLException {
        this.transactional = transactional;
        connection.setAutoCommit(!transactional);
    }

    /** The {@code i}-th update: row {@code ids[i % ids.length]}, values {@code i % VALUES}. */
    final void update(int i) throws Exception {
        write(i % ids.length, i & (VALUES - 1));
        if (transactional) {
            connection.commit();
        }
    }

    /** One locked update of row {@code ids[row]} with value number {@code value}. */
    abstract void write(int row, int value) throws Exception;

    static void expectOne(int updated, String who) {
        if (updated != 1) {
            throw new IllegalStateException(who + " updated " + updated + " rows where 1 was expected");
        }
    }

    @Override
    public void close() throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.rollback();
        }
        connection.close();
    }
}
