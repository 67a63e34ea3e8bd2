package dev.occ.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jooq.ConnectionProvider;
import org.jooq.exception.DataAccessException;

/**
 * A fixed set of connections opened once, lent to one user at a time: the smallest pool that keeps
 * connection setup (a server process forked per connection) out of a measurement. jOOQ takes a
 * connection per transaction through {@link ConnectionProvider}; the hand-written contenders
 * {@linkplain #acquire() take} one for a whole run. A borrower waits while all are lent.
 */
final class FixedConnections implements ConnectionProvider, AutoCloseable {

    private final List<Connection> all = new ArrayList<>();
    private final BlockingQueue<Connection> free;

    /**
     * Opens {@code size} connections, each with {@code synchronous_commit} set for its session.
     */
    FixedConnections(BenchDatabase db, int size, boolean synchronousCommit) throws SQLException {
        this.free = new ArrayBlockingQueue<>(size);
        try {
            for (int i = 0; i < size; i++) {
                Connection c = db.connect();
                all.add(c);
                try (Statement s = c.createStatement()) {
                    s.execute("SET synchronous_commit = " + (synchronousCommit ? "on" : "off"));
                }
                free.add(c);
            }
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public Connection acquire() {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataAccessException("interrupted while waiting for a connection", e);
        }
    }

    /** Takes the connection back; whoever borrowed it has ended its transaction (jOOQ does). */
    @Override
    public void release(Connection connection) {
        if (!free.offer(connection)) {
            throw new IllegalStateException("a connection came back that was not lent: " + connection);
        }
    }

    @Override
    public void close() {
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the server goes away with the benchmark: nothing left to clean up
            }
        }
        all.clear();
    }
}
