package dev.occ.internal.direct;

import dev.occ.Occ;
import dev.occ.internal.Assignments;
import dev.occ.internal.LockPlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jooq.Condition;
import org.jooq.Configuration;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.Table;
import org.jooq.conf.DiagnosticsConnection;
import org.jooq.conf.ParamType;
import org.jooq.conf.QueryPoolable;
import org.jooq.conf.Settings;
import org.jooq.conf.SettingsTools;
import org.jooq.conf.StatementType;
import org.jspecify.annotations.Nullable;

/**
 * [occ#6] Runs a simple locked UPDATE on JDBC directly: its SQL is rendered by jOOQ once per
 * {@linkplain UpdateShape shape} (with the context's dialect and settings, so rendering settings
 * apply) and kept; each execution only binds the values on a {@code PreparedStatement} of a
 * connection from the context's {@code ConnectionProvider}, the same connection jOOQ would use.
 * jOOQ's per-execution client cost is rendering and its execution pipeline (about 10 µs of CPU per
 * update, a quarter of a locked update's client CPU on PostgreSQL loopback); this path cuts it to
 * about 2 µs, and a locked update from about 1.2-1.3x the time of a hand-written JDBC update to
 * about 1.05-1.1x (benchmarks/RESULTS.md).
 *
 * <h2>What must not change</h2>
 * The path runs only where it changes nothing a user could observe but the time:
 * <ul>
 * <li>the dialect is PostgreSQL's and the update has a shape (see {@link UpdateShape}); with a
 * {@code RETURNING} clause ({@code returning(..)}, or a record to refresh), only where every
 * returned field is a column of the table of a type {@link DirectTypes} reads, and no
 * {@code RecordListener} is configured ({@link #executeReturning});</li>
 * <li>the configuration has no {@code VisitListener} (one could render each execution
 * differently), and default execution settings: prepared statements, no query timeout, no
 * poolable hint, no server output, no implicit diagnostics connection;</li>
 * <li>the configuration has no {@code ExecuteListener} but those that watch only failures (such as
 * Spring Boot's exception translator, see {@link FailureListeners}: they see a failed direct
 * statement as jOOQ would show it), and jOOQ's execute logging is off or not at DEBUG level, so that
 * no listener or log line misses the statement;</li>
 * <li>the same SQL, the same bind values in the same order, the same result and the same
 * exceptions as jOOQ's own execution: errors are translated as jOOQ translates them
 * ({@code DataAccessException}, or its {@code DataException} and
 * {@code IntegrityConstraintViolationException} by SQLSTATE class, with jOOQ's message);</li>
 * <li>the connection is released to the provider after every execution, as jOOQ does.</li>
 * </ul>
 * Anything else runs through jOOQ's execution as before.
 *
 * <h2>What may change</h2>
 * Which statements have a shape (a wider where clause, more types in {@link DirectTypes}), how a
 * shape is keyed, and the caches' sizes, as long as the equivalence tests ({@code DirectUpdateTest},
 * {@code DirectTypesTest}) hold for every admitted case. The jOOQ internals the path relies on are
 * named in {@link JooqInternals}.
 *
 * <h2>Caches</h2>
 * Two caches, JVM-wide because shapes are made of the user's generated table and column objects,
 * which are JVM-wide too: rendered SQL by shape key (at most {@value #MAX_SHAPES}; when full, new
 * shapes run through jOOQ and a warning says so once) and canonical copies of the settings in use
 * (at most {@value #MAX_SETTINGS}). Neither holds a bind value or any other user data: a shape key
 * is types, columns and structure. Both live as long as the class; {@link #clearCaches()} empties
 * them, for tests that must not depend on what ran before.
 *
 * <p>The configuration's data entry {@value #KEY} changes the third rule: {@code Boolean.TRUE}
 * takes the direct path also when other {@code ExecuteListener}s are configured or jOOQ logs at
 * DEBUG, which then do not see occ's locked updates (a conflict's diagnosis still runs through jOOQ;
 * listeners that watch only failures still see failures); {@code Boolean.FALSE} turns the direct
 * path off:
 *
 * <pre>
 * ctx.configuration().data(Occ.DIRECT_EXECUTION, true);    // listeners do not see locked updates
 * ctx.configuration().data(Occ.DIRECT_EXECUTION, false);  // always run through jOOQ
 * </pre>
 */
public final class DirectUpdate {

    /** The configuration data key that turns the direct path on despite listeners, or off. */
    public static final String KEY = Occ.DIRECT_EXECUTION;

    /** What {@link #execute} returns when it did not run the update. */
    public static final int NOT_TAKEN = -1;

    /** Shapes kept at most; once full, new shapes run through jOOQ. */
    private static final int MAX_SHAPES = 1024;
    /** Distinct settings kept at most. */
    private static final int MAX_SETTINGS = 64;

    private static final ConcurrentHashMap<UpdateShape.Key, Rendered> SHAPES = new ConcurrentHashMap<>();
    /** Settings by equality, each mapped to a private copy that shapes refer to by identity. */
    private static final ConcurrentHashMap<Settings, Settings> SETTINGS = new ConcurrentHashMap<>();
    private static final System.Logger LOG = System.getLogger(DirectUpdate.class.getName());
    /** Whether the warning that the shape cache is full was given. */
    private static final AtomicBoolean FULL_REPORTED = new AtomicBoolean();

    /** A shape's SQL, and for its n-th bind value the index of that value in the shape's walk. */
    private record Rendered(@Nullable String sql, int[] order) {
    }

    /** A shape whose rendering could not be matched to its bind values: always through jOOQ. */
    private static final Rendered NEVER = new Rendered(null, new int[0]);

    private DirectUpdate() {
    }

    /**
     * Runs the update directly when it can, see the class comment.
     *
     * @param query the update as jOOQ would run it, built only when a shape is seen first
     * @return the update count, or {@link #NOT_TAKEN} when the update must run through jOOQ
     */
    public static int execute(DSLContext ctx, Table<?> table, Assignments assignments,
            Condition where, LockPlan<?> plan, Supplier<? extends Query> query) {
        Configuration configuration = ctx.configuration();
        UpdateShape shape = shape(configuration, table, assignments, where, plan, null);
        if (shape == null) {
            return NOT_TAKEN;
        }
        try {
            Rendered rendered = rendered(shape, query);
            Integer updated = rendered == null ? null
                    : run(configuration, rendered, shape, query, (statement, s) -> statement.executeUpdate());
            return updated == null ? NOT_TAKEN : updated;
        } finally {
            shape.release();
        }
    }

    /**
     * [occ#15] Runs a simple locked UPDATE with a {@code RETURNING} clause directly when it can: as
     * {@link #execute}, where every returned field is a column of the table of a type in
     * {@link DirectTypes} (read as jOOQ reads it), and no {@code RecordListener} would see the
     * returned records. The records are the table's, attached to the context, with the returned
     * columns set and nothing changed, as jOOQ's {@code getReturnedRecords()} gives them.
     *
     * @param returning the fields asked back; empty (all columns) is not taken
     * @param query the update as jOOQ would run it, with its {@code RETURNING} clause
     * @return the returned records, or {@code null} when the update must run through jOOQ
     */
    public static <R extends Record> @Nullable Result<R> executeReturning(DSLContext ctx, Table<R> table,
            Assignments assignments, Condition where, LockPlan<?> plan,
            List<? extends SelectFieldOrAsterisk> returning, Supplier<? extends Query> query) {
        Configuration configuration = ctx.configuration();
        if (returning.isEmpty() || configuration.recordListenerProviders().length > 0) {
            return null; // all columns, or listeners of the returned records
        }
        UpdateShape shape = shape(configuration, table, assignments, where, plan, returning);
        if (shape == null) {
            return null;
        }
        try {
            Rendered rendered = rendered(shape, query);
            return rendered == null ? null
                    : run(configuration, rendered, shape, query, (statement, s) -> returned(ctx, table, statement, s));
        } finally {
            shape.release();
        }
    }

    /** The shape of an update, where the configuration allows the direct path: see the class comment. */
    private static @Nullable UpdateShape shape(Configuration configuration, Table<?> table,
            Assignments assignments, Condition where, LockPlan<?> plan,
            @Nullable List<? extends SelectFieldOrAsterisk> returning) {
        if (!allowed(configuration)) {
            return null;
        }
        Settings settings = canonical(configuration.settings());
        if (settings == null) {
            return null;
        }
        return UpdateShape.of(configuration.dialect(), settings, table, assignments, where, plan, returning);
    }

    /**
     * A shape's SQL and bind order: from the cache, or rendered by jOOQ once; {@code null} to run
     * through jOOQ.
     */
    private static @Nullable Rendered rendered(UpdateShape shape, Supplier<? extends Query> query) {
        Rendered rendered = SHAPES.get(shape.key());
        if (rendered == null) {
            if (SHAPES.size() >= MAX_SHAPES) {
                if (FULL_REPORTED.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING, "occ: the direct path's cache holds " + MAX_SHAPES
                            + " statement shapes, its maximum; locked updates of further shapes run through jOOQ, "
                            + "as fast as jOOQ. Many shapes usually mean dynamically built SET or WHERE clauses");
                }
                return null;
            }
            rendered = render(query.get(), shape);
            Rendered raced = SHAPES.putIfAbsent(shape.keyCopy(), rendered);
            if (raced != null) {
                rendered = raced;
            }
        }
        return rendered.sql() == null ? null : rendered;
    }

    /**
     * Empties the caches, so that what a test sees does not depend on what ran before it in the JVM.
     */
    public static void clearCaches() {
        SHAPES.clear();
        SETTINGS.clear();
        lastSeen = null;
        FULL_REPORTED.set(false);
    }

    /**
     * @return how many shapes the cache holds that run directly (not those that always run through
     *     jOOQ), for tests: an update whose shape is counted here ran on the direct path, which tests
     *     can tell this way without an execute listener (which would turn the path off)
     */
    static int cachedShapes() {
        int direct = 0;
        for (Rendered r : SHAPES.values()) {
            direct += r.sql() == null ? 0 : 1;
        }
        return direct;
    }

    /** @return the cache's keys and SQL as text, for tests */
    static String describeCache() {
        return SHAPES.toString();
    }

    /** @return whether the configuration lets the direct path run, see the class comment */
    public static boolean allowed(Configuration c) {
        Object choice = c.data(KEY);
        if (Boolean.FALSE.equals(choice) || c.dialect().family() != SQLDialect.POSTGRES
                || c.visitListenerProviders().length > 0) {
            return false;
        }
        Settings s = c.settings();
        if (s.getStatementType() == StatementType.STATIC_STATEMENT
                || s.getQueryTimeout() != null && s.getQueryTimeout() != 0
                || s.getQueryPoolable() != null && s.getQueryPoolable() != QueryPoolable.DEFAULT
                || s.getFetchServerOutputSize() != null && s.getFetchServerOutputSize() > 0
                || s.getDiagnosticsConnection() == DiagnosticsConnection.ON) {
            return false;
        }
        if (Boolean.TRUE.equals(choice)) {
            return true;
        }
        return FailureListeners.allExceptionOnly(c)
                && (Boolean.FALSE.equals(s.isExecuteLogging()) || !JooqInternals.logging());
    }

    /** The settings seen last, and their private copy: saves hashing them on every update. */
    private record Seen(Settings settings, Settings canonical) {
    }

    private static volatile @Nullable Seen lastSeen;

    /**
     * The private copy of settings equal to these, shared by all equal settings, so that shapes can
     * compare settings by identity. The settings last seen are only compared, not hashed; they are
     * compared every time, so that a change made to them in place is seen.
     */
    private static @Nullable Settings canonical(Settings settings) {
        Seen last = lastSeen;
        if (last != null && last.settings() == settings && settings.equals(last.canonical())) {
            return last.canonical();
        }
        JooqInternals.settleRenderMapping(settings);
        Settings known = SETTINGS.get(settings);
        if (known == null) {
            if (SETTINGS.size() >= MAX_SETTINGS) {
                return null;
            }
            // a private copy: the key must not change when someone changes the configuration's settings
            Settings copy = SettingsTools.clone(settings);
            Settings raced = SETTINGS.putIfAbsent(copy, copy);
            known = raced != null ? raced : copy;
        }
        lastSeen = new Seen(settings, known);
        return known;
    }

    /**
     * Renders the update as jOOQ would run it, and matches jOOQ's bind values, by identity and then
     * by value, with the shape's walk. Anything that does not match makes the shape {@link #NEVER}.
     */
    private static Rendered render(Query query, UpdateShape shape) {
        String sql = query.getSQL(ParamType.INDEXED);
        Param<?>[] walked = shape.params;
        int count = shape.paramCount;
        int[] order = new int[count];
        boolean[] used = new boolean[count];
        int n = 0;
        for (Param<?> p : query.getParams().values()) {
            if (p.isInline()) {
                continue;
            }
            int index = indexOf(walked, count, p);
            if (index < 0 || n >= order.length || used[index]) {
                return NEVER;
            }
            used[index] = true;
            order[n++] = index;
        }
        List<Object> values = query.getBindValues();
        if (n != order.length || values.size() != n) {
            return NEVER;
        }
        for (int k = 0; k < n; k++) {
            if (!Objects.equals(values.get(k), walked[order[k]].getValue())) {
                return NEVER;
            }
        }
        return new Rendered(sql, order);
    }

    private static int indexOf(Param<?>[] params, int count, Param<?> p) {
        for (int i = 0; i < count; i++) {
            if (params[i] == p) {
                return i;
            }
        }
        return -1;
    }

    /** What runs on the bound statement. */
    @FunctionalInterface
    private interface Execution<T> {
        T run(PreparedStatement statement, UpdateShape shape) throws SQLException;
    }

    /**
     * Prepares the SQL on a connection of the configuration's provider, binds the shape's values,
     * runs {@code execution} and gives the connection back, as jOOQ does; a failure is thrown as
     * jOOQ would throw it ({@link FailureListeners}).
     *
     * @return what {@code execution} returned, or {@code null} when the provider has no connection
     *     (jOOQ then reports it)
     */
    private static <T> @Nullable T run(Configuration configuration, Rendered rendered, UpdateShape shape,
            Supplier<? extends Query> query, Execution<T> execution) {
        String sql = Objects.requireNonNull(rendered.sql());
        ConnectionProvider provider = configuration.connectionProvider();
        Connection connection = provider.acquire();
        if (connection == null) {
            return null;
        }
        PreparedStatement statement = null;
        try {
            statement = connection.prepareStatement(sql);
            int[] order = rendered.order();
            for (int k = 0; k < order.length; k++) {
                int walked = order[k];
                shape.binders[walked].bind(statement, k + 1, shape.params[walked].getValue());
            }
            return execution.run(statement, shape);
        } catch (SQLException e) {
            throw FailureListeners.failure(configuration, sql, e, connection, statement, query);
        } finally {
            close(statement);
            provider.release(connection);
        }
    }

    /** The rows of a statement with a {@code RETURNING} clause, as the table's records, read as jOOQ reads them. */
    private static <R extends Record> Result<R> returned(DSLContext ctx, Table<R> table, PreparedStatement statement,
            UpdateShape shape) throws SQLException {
        Result<R> rows = ctx.newResult(table);
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                R row = ctx.newRecord(table);
                for (int i = 0; i < shape.returnedCount; i++) {
                    set(row, shape.returned[i], shape.readers[i].read(rs, i + 1));
                }
                row.changed(false);
                rows.add(row);
            }
        }
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static <T> void set(Record row, Field<T> field, @Nullable Object value) {
        row.set(field, (T) value);
    }

    /**
     * The exception a failed direct statement throws: jOOQ's translation, after the listeners that
     * watch only failures (see {@link FailureListeners}) have seen it.
     *
     * @param query the statement as jOOQ would run it, built only if a listener asks for it
     */
    public static RuntimeException failure(Configuration configuration, String sql, SQLException e,
            @Nullable Connection connection, Supplier<? extends @Nullable Query> query) {
        return FailureListeners.failure(configuration, sql, e, connection, null, query);
    }

    private static void close(@Nullable PreparedStatement statement) {
        if (statement != null) {
            try {
                statement.close();
            } catch (SQLException e) {
                // as jOOQ: a statement that cannot be closed is not the execution's failure
            }
        }
    }
}
