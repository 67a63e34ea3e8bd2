package dev.occ.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Counts the statements one update sends, twice over: on the client, every {@code execute*} through
 * JDBC and every {@code commit}/{@code rollback} ({@link CountingConnection}); on the server, with
 * {@code pg_stat_statements} tracking only the counted session ({@code pg_stat_statements.track} is
 * {@code none} for everyone else, the counting session sets it to {@code top}).
 */
final class StatementCount {

    /** A statement as the server saw it, with its calls per update. */
    record Query(String text, double perOp, boolean utility) {
    }

    /**
     * Per update: statements through JDBC, commits/rollbacks through JDBC, and on the server (−1
     * without pg_stat_statements) the SQL statements (SELECT, UPDATE, ...) and the transaction
     * control statements but COMMIT (BEGIN, SET, ...): pg_stat_statements misses most COMMITs that
     * pgjdbc sends, so those are counted on the client only.
     */
    record Count(String name, boolean transactional, double jdbcStatements, double jdbcCommits,
            double serverStatements, double serverTransactionControl, List<Query> queries) {
    }

    private StatementCount() {
    }

    static Count count(BenchDatabase db, String name, ContenderFactory factory, int slot, boolean transactional,
            int ops) throws Exception {
        try (Connection real = db.connect()) {
            if (db.statementStatistics()) {
                execute(real, "SET pg_stat_statements.track = 'top'");
            }
            CountingConnection counting = new CountingConnection(real);
            try (Contender c = factory.create(counting.connection, BenchDatabase.slot(slot))) {
                c.transactional(transactional);
                for (int i = 0; i < 10; i++) {
                    c.update(i);
                }
                counting.statements.set(0);
                counting.commits.set(0);
                if (db.statementStatistics()) {
                    try (Connection reader = db.connect()) {
                        execute(reader, "SELECT pg_stat_statements_reset()");
                    }
                }
                for (int i = 10; i < 10 + ops; i++) {
                    c.update(i);
                }
                double statements = (double) counting.statements.get() / ops;
                double commits = (double) counting.commits.get() / ops;
                List<Query> queries = new ArrayList<>();
                double sql = -1;
                double control = -1;
                if (db.statementStatistics()) {
                    sql = 0;
                    control = 0;
                    try (Connection reader = db.connect(); Statement s = reader.createStatement();
                         ResultSet rs = s.executeQuery("SELECT query, calls FROM pg_stat_statements"
                                 + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                                 + " ORDER BY calls DESC, query")) {
                        while (rs.next()) {
                            String text = rs.getString(1).replaceAll("\\s+", " ").trim();
                            if (text.equalsIgnoreCase("commit")) {
                                // pg_stat_statements misses most of pgjdbc's COMMITs (re-executed without a
                                // new parse): commits are counted on the client
                                continue;
                            }
                            double perOp = rs.getLong(2) / (double) ops;
                            boolean utility = isTransactionControl(text);
                            queries.add(new Query(text, perOp, utility));
                            if (utility) {
                                control += perOp;
                            } else {
                                sql += perOp;
                            }
                        }
                    }
                }
                return new Count(name, transactional, statements, commits, sql, control, queries);
            }
        }
    }

    static boolean isTransactionControl(String sql) {
        String s = sql.toLowerCase(Locale.ROOT);
        return s.startsWith("begin") || s.startsWith("commit") || s.startsWith("rollback") || s.startsWith("start ")
                || s.startsWith("savepoint") || s.startsWith("release") || s.startsWith("set ");
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
