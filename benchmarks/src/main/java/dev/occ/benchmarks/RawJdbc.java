package dev.occ.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The floor: one reused {@link PreparedStatement}, checking the update count. */
final class RawJdbc extends Contender {

    static final String SQL = "UPDATE resource SET name = ?, data = ?::jsonb, version = version + 1"
            + " WHERE id = ? AND version = ?";

    private final PreparedStatement update;
    private final int[] versions;

    RawJdbc(Connection connection, int[] ids) throws SQLException {
        super(connection, ids);
        this.update = connection.prepareStatement(SQL);
        this.versions = versions(connection, ids);
    }

    /** The current versions of the rows, read once, as a client holding them from an earlier read. */
    static int[] versions(Connection connection, int[] ids) throws SQLException {
        return versions(connection, "resource", ids);
    }

    /** The current versions of rows of {@code table} ({@code resource} or {@code account}), read once. */
    static int[] versions(Connection connection, String table, int[] ids) throws SQLException {
        int[] versions = new int[ids.length];
        try (PreparedStatement s = connection.prepareStatement("SELECT version FROM " + table + " WHERE id = ?")) {
            for (int i = 0; i < ids.length; i++) {
                s.setInt(1, ids[i]);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    versions[i] = rs.getInt(1);
                }
            }
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
        return versions;
    }

    @Override
    String name() {
        return "raw JDBC";
    }

    @Override
    void write(int row, int value) throws SQLException {
        expectOne(execute(update, ids[row], value, versions[row]), name());
        versions[row]++;
    }

    /** Binds and runs {@link #SQL} for one row: the update count. */
    static int execute(PreparedStatement update, int id, int value, int expectedVersion) throws SQLException {
        update.setString(1, NAMES[value]);
        update.setString(2, JSONS[value]);
        update.setInt(3, id);
        update.setInt(4, expectedVersion);
        return update.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
        update.close();
        super.close();
    }
}
