package dev.occ.benchmarks;

import dev.occ.postgres.Postgres;
import dev.occ.postgres.PostgresServer;
import dev.occ.postgres.PostgresSource;
import dev.occ.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's PostgreSQL: an embedded, throwaway server of its own with durable settings (fsync
 * on, full page writes on; {@code synchronous_commit} is set per session by each scenario), and one
 * database migrated from occ-schema's {@code classpath:db/migration}, seeded with rows.
 *
 * <p>Rows: each single-row contender owns a slot of {@value #SLOT_ROWS} rows of {@code resource}
 * (ids {@code slot * SLOT_ROWS + 1 ..}), and the contention sweep uses its own
 * {@value #HOT_ROWS} rows after them, so that scenarios never see each other's versions. The
 * {@code account} table (V4) has one row per slot row, with the same ids (owner {@code 'owner n'},
 * balance 0, version 1), for the realistic update of scenario 1b.
 */
final class BenchDatabase {

    static final int SLOT_ROWS = 64;
    /** Scenario 1 (7 slots), its statement counts (7), the failure path (4), scenario 1b (10). */
    static final int SLOTS = 28;
    static final int HOT_ROWS = 1000;
    /** The first id of the contention sweep's rows. */
    static final int HOT_FIRST_ID = SLOTS * SLOT_ROWS + 1;

    private final PostgresServer server;
    private final TestDatabase database;
    private final boolean statementStatistics;
    private final Map<String, String> settings;

    private BenchDatabase(PostgresServer server, TestDatabase database, boolean statementStatistics,
            Map<String, String> settings) {
        this.server = server;
        this.database = database;
        this.statementStatistics = statementStatistics;
        this.settings = settings;
    }

    /**
     * Starts the server and seeds the database.
     *
     * @param durable true for the benchmark (fsync on); false for the smoke test (fsync off)
     */
    static BenchDatabase start(boolean durable) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (!durable) {
            settings.put("fsync", "off");
            settings.put("full_page_writes", "off");
        }
        settings.put("shared_buffers", "256MB");
        settings.put("max_connections", "40");
        // no checkpoint during a run (checkpoints are about recovery time, not durability)
        settings.put("max_wal_size", "8GB");
        settings.put("checkpoint_timeout", "30min");
        settings.put("jit", "off");
        Map<String, String> withStatistics = new LinkedHashMap<>(settings);
        withStatistics.put("shared_preload_libraries", "pg_stat_statements");
        // off for everyone; the statement count turns it on for one session at a time
        withStatistics.put("pg_stat_statements.track", "none");
        withStatistics.put("pg_stat_statements.track_utility", "on");
        PostgresServer server;
        boolean statistics = true;
        try {
            server = Postgres.locate(List.of(PostgresSource.embedded(withStatistics)));
            settings = withStatistics;
        } catch (RuntimeException noStatStatements) {
            // binaries without the pg_stat_statements module: count statements on the client only
            System.out.println("occ-benchmarks: no pg_stat_statements (" + firstLine(noStatStatements)
                    + "); statements are counted on the JDBC connection only");
            server = Postgres.locate(List.of(PostgresSource.embedded(settings)));
            statistics = false;
        }
        TestDatabase database = TestDatabase.create(server, "bench", TestDatabase.DEFAULT_LOCATION);
        BenchDatabase db = new BenchDatabase(server, database, statistics, Map.copyOf(settings));
        db.seed();
        return db;
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private void seed() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            if (statementStatistics) {
                s.execute("create extension if not exists pg_stat_statements");
            }
            int rows = SLOTS * SLOT_ROWS + HOT_ROWS;
            s.execute("insert into resource (name, data) select 'row ' || g, '{\"n\": 0}'::jsonb"
                    + " from generate_series(1, " + rows + ") g");
            s.execute("vacuum analyze resource");
            // one account per slot row, the same ids (a fresh identity counts from 1, as resource's)
            s.execute("insert into account (owner) select 'owner ' || g from generate_series(1, "
                    + SLOTS * SLOT_ROWS + ") g");
            s.execute("vacuum analyze account");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not seed " + database + ": " + e.getMessage(), e);
        }
    }

    /** A new connection to the benchmark database, in autocommit mode. */
    Connection connect() throws SQLException {
        return database.connect();
    }

    /** The ids of one slot's rows. */
    static int[] slot(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot " + slot + " of " + SLOTS + ": raise BenchDatabase.SLOTS");
        }
        int[] ids = new int[SLOT_ROWS];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = slot * SLOT_ROWS + i + 1;
        }
        return ids;
    }

    /** Whether pg_stat_statements is loaded, so that statements are counted on the server too. */
    boolean statementStatistics() {
        return statementStatistics;
    }

    Map<String, String> settings() {
        return settings;
    }

    String serverVersion() {
        return server.version();
    }

    /**
     * {@code VACUUM} the resource and account tables, so that each scenario starts without the last
     * one's dead rows.
     */
    void vacuum() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("vacuum analyze resource");
            s.execute("vacuum analyze account");
        } catch (SQLException e) {
            throw new IllegalStateException("vacuum failed: " + e.getMessage(), e);
        }
    }

    /** Runs one query returning a single long. */
    long queryLong(String sql, Object... args) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return database.toString();
    }
}
