package dev.occ.internal.direct;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jooq.Configuration;
import org.jooq.ConnectionProvider;
import org.jooq.ConverterContext;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.ExecuteListenerProvider;
import org.jooq.ExecuteType;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Routine;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.DataException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * [occ#15] Execute listeners that only watch failures, such as Spring Boot's exception translator
 * ({@code ExceptionTranslatorExecuteListener}, which its jOOQ starter installs by default): they
 * override {@link ExecuteListener#exception} and no other callback, so a successful execution is
 * nothing to them and the direct path may run beside them. When a direct execution fails, they get
 * {@code exception(ctx)} as jOOQ would call it: the context holds the configuration, the SQL, the
 * connection, the statement, the {@code SQLException} and jOOQ's translation of it; what a listener
 * sets with {@code ctx.exception(..)} is thrown, as jOOQ throws it.
 *
 * <p>Which listeners watch only failures is decided by their class: every {@code ExecuteListener}
 * method but {@code exception} is inherited from {@link ExecuteListener} itself (its no-op defaults)
 * or from jOOQ's no-op {@code DefaultExecuteListener}. A listener that overrides anything else (a
 * logger, a statement counter, a tracer) turns the direct path off, as before.
 */
final class FailureListeners {

    private static final String NO_OP_BASE = "org.jooq.impl.DefaultExecuteListener";

    /** Whether a listener class overrides no callback but {@code exception}, kept per class. */
    private static final ClassValue<Boolean> EXCEPTION_ONLY = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Method callback : ExecuteListener.class.getMethods()) {
                if (Modifier.isStatic(callback.getModifiers()) || callback.getName().equals("exception")) {
                    continue;
                }
                try {
                    Class<?> declaring = type.getMethod(callback.getName(), callback.getParameterTypes())
                            .getDeclaringClass();
                    if (declaring != ExecuteListener.class && !declaring.getName().equals(NO_OP_BASE)) {
                        return false;
                    }
                } catch (NoSuchMethodException e) {
                    return false;
                }
            }
            return true;
        }
    };

    private FailureListeners() {
    }

    /** @return whether the listener overrides no callback but {@code exception} (see the class comment) */
    static boolean exceptionOnly(@Nullable ExecuteListener listener) {
        return listener == null || EXCEPTION_ONLY.get(listener.getClass());
    }

    /** @return whether every listener the configuration provides watches only failures */
    static boolean allExceptionOnly(Configuration c) {
        for (ExecuteListenerProvider provider : c.executeListenerProviders()) {
            if (provider != null && !exceptionOnly(provider.provide())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The exception a failed direct execution throws: jOOQ's translation of the
     * {@code SQLException}, after every listener that watches only failures has seen it and
     * perhaps replaced it (listeners that watch more saw nothing of the execution, so they are not
     * told of its end either).
     *
     * @param query the statement as jOOQ would have run it, built only if a listener asks
     */
    static RuntimeException failure(Configuration c, String sql, SQLException e, @Nullable Connection connection,
            @Nullable PreparedStatement statement, Supplier<? extends @Nullable Query> query) {
        RuntimeException translated = translate(sql, e);
        ExecuteListenerProvider[] providers = c.executeListenerProviders();
        if (providers.length == 0) {
            return translated;
        }
        Failed ctx = new Failed(c, sql, connection, statement, query, e, translated);
        for (ExecuteListenerProvider provider : providers) {
            ExecuteListener listener = provider == null ? null : provider.provide();
            if (listener != null && exceptionOnly(listener)) {
                listener.exception(ctx);
            }
        }
        RuntimeException thrown = ctx.exception();
        return thrown != null ? thrown : translated;
    }

    /** As jOOQ translates the {@link SQLException} of an execution. */
    static DataAccessException translate(String sql, SQLException e) {
        String message = "SQL [" + sql + "]; " + e.getMessage();
        return switch (DataAccessException.sqlStateClass(e)) {
            case C22_DATA_EXCEPTION -> new DataException(message, e);
            case C23_INTEGRITY_CONSTRAINT_VIOLATION -> new IntegrityConstraintViolationException(message, e);
            default -> new DataAccessException(message, e);
        };
    }

    /**
     * The context of one failed direct execution, as jOOQ's own context would be at
     * {@code exception(ctx)}: nothing was fetched, no rows were counted.
     */
    private static final class Failed implements ExecuteContext, ConverterContext {
        private final Configuration configuration;
        private final Instant created = Instant.now();
        private final Map<Object, Object> data = new HashMap<>();
        private final @Nullable Connection connection;
        private final Supplier<? extends @Nullable Query> querySupplier;
        private @Nullable Query query;
        private boolean queryBuilt;
        private @Nullable String sql;
        private @Nullable PreparedStatement statement;
        private @Nullable SQLException sqlException;
        private @Nullable RuntimeException exception;
        private @Nullable SQLWarning warning;
        private @Nullable ResultSet resultSet;
        private String @Nullable [] serverOutput;

        Failed(Configuration configuration, String sql, @Nullable Connection connection,
                @Nullable PreparedStatement statement, Supplier<? extends @Nullable Query> query,
                SQLException sqlException, RuntimeException translated) {
            this.configuration = configuration;
            this.sql = sql;
            this.connection = connection;
            this.statement = statement;
            this.querySupplier = query;
            this.sqlException = sqlException;
            this.exception = translated;
        }

        @Override
        public Instant creationTime() {
            return created;
        }

        @Override
        public Configuration configuration() {
            return configuration;
        }

        @Override
        public DSLContext dsl() {
            return DSL.using(configuration);
        }

        @Override
        public Settings settings() {
            return configuration.settings();
        }

        @Override
        public SQLDialect dialect() {
            return configuration.dialect();
        }

        @Override
        public SQLDialect family() {
            return configuration.family();
        }

        @Override
        public Map<Object, Object> data() {
            return data;
        }

        @Override
        public @Nullable Object data(Object key) {
            return data.get(key);
        }

        @Override
        public @Nullable Object data(Object key, Object value) {
            return data.put(key, value);
        }

        @Override
        public ConverterContext converterContext() {
            return this;
        }

        @Override
        public @Nullable Connection connection() {
            return connection;
        }

        @Override
        public ExecuteType type() {
            return ExecuteType.WRITE;
        }

        @Override
        public @Nullable Query query() {
            if (!queryBuilt) {
                query = querySupplier.get();
                queryBuilt = true;
            }
            return query;
        }

        @Override
        public BatchMode batchMode() {
            return BatchMode.NONE;
        }

        @Override
        public Query[] batchQueries() {
            return new Query[0];
        }

        @Override
        public @Nullable Routine<?> routine() {
            return null;
        }

        @Override
        public @Nullable String sql() {
            return sql;
        }

        @Override
        public void sql(String s) {
            sql = s;
        }

        @Override
        public int skipUpdateCounts() {
            return 0;
        }

        @Override
        public void skipUpdateCounts(int skip) {
            // nothing is executed any more
        }

        @Override
        public String[] batchSQL() {
            return new String[0];
        }

        @Override
        public void connectionProvider(ConnectionProvider provider) {
            // nothing is executed any more
        }

        @Override
        public @Nullable PreparedStatement statement() {
            return statement;
        }

        @Override
        public void statement(PreparedStatement s) {
            statement = s;
        }

        @Override
        public int statementExecutionCount() {
            return 1;
        }

        @Override
        public @Nullable ResultSet resultSet() {
            return resultSet;
        }

        @Override
        public void resultSet(ResultSet rs) {
            resultSet = rs;
        }

        @Override
        public int recordLevel() {
            return -1;
        }

        @Override
        public @Nullable Record record() {
            return null;
        }

        @Override
        public void record(Record record) {
            // nothing is fetched
        }

        @Override
        public int rows() {
            return -1;
        }

        @Override
        public void rows(int rows) {
            // nothing was counted
        }

        @Override
        public int @Nullable [] batchRows() {
            return null;
        }

        @Override
        public int resultLevel() {
            return -1;
        }

        @Override
        public @Nullable Result<?> result() {
            return null;
        }

        @Override
        public void result(Result<?> result) {
            // nothing is fetched
        }

        @Override
        public @Nullable RuntimeException exception() {
            return exception;
        }

        @Override
        public void exception(RuntimeException e) {
            exception = e;
        }

        @Override
        public @Nullable SQLException sqlException() {
            return sqlException;
        }

        @Override
        public void sqlException(SQLException e) {
            sqlException = e;
            exception = translate(sql == null ? "" : sql, e);
        }

        @Override
        public @Nullable SQLWarning sqlWarning() {
            return warning;
        }

        @Override
        public void sqlWarning(SQLWarning w) {
            warning = w;
        }

        @Override
        public String[] serverOutput() {
            return serverOutput == null ? new String[0] : serverOutput;
        }

        @Override
        public void serverOutput(String[] output) {
            serverOutput = output;
        }
    }
}
