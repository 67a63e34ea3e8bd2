package dev.occ.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Raw JDBC as a library that does not keep statements between calls must run it: a new
 * {@link PreparedStatement} per update, closed after it (the driver still reuses the server-side
 * prepared statement). The floor for anything built on jOOQ, which prepares per execution too.
 */
final class RawJdbcPerCall extends Contender {

    private final int[] versions;

    RawJdbcPerCall(Connection connection, int[] ids) throws SQLException {
        super(connection, ids);
        this.versions = RawJdbc.versions(connection, ids);
    }

    @Override
    String name() {
        return "raw JDBC, prepareStatement per update";
    }

    @Override
    void write(int row, int value) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(RawJdbc.SQL)) {
            update.setString(1, NAMES[value]);
            update.setString(2, JSONS[value]);
            update.setInt(3, ids[row]);
            update.setInt(4, versions[row]);
            expectOne(update.executeUpdate(), name());
        }
        versions[row]++;
    }
}
