package dev.occ.internal.retry;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.Configuration;
import org.jooq.ConnectionProvider;
import org.jspecify.annotations.Nullable;

/**
 * Finds out whether a jOOQ context is already in a transaction, so that a retry policy can refuse
 * to run there: each of its attempts must be a transaction of its own.
 *
 * <p>Two signs, either of which is enough:
 * <ol>
 * <li>jOOQ's: inside {@code ctx.transaction(cfg -> ...)}, jOOQ puts the running transaction's
 *     context into the data of {@code cfg} (and of what is derived from it) under the key
 *     {@value #JOOQ_TRANSACTION_CONTEXT}, before its transaction provider begins;
 * <li>the connection's: the context's connection (for a {@code DSL.using(connection)} context, or a
 *     provider that hands out a thread's connection) has a transaction open on the server, as the
 *     PostgreSQL driver tracks it ({@code BaseConnection.getTransactionState()} is not
 *     {@code IDLE}): a statement ran since a {@code setAutoCommit(false)}, a {@code BEGIN}, or the
 *     last commit.
 * </ol>
 * {@code getAutoCommit() == false} alone is no sign: a pool can hand out connections with
 * auto-commit off, and jOOQ runs a top-level transaction on them as on any other. A connection
 * whose driver is not PostgreSQL's, or hidden behind a proxy that does not unwrap, only gets the
 * first check.
 */
public final class EnclosingTransaction {

    /** The configuration data key under which jOOQ's {@code DefaultDSLContext} keeps a running transaction. */
    static final String JOOQ_TRANSACTION_CONTEXT = "org.jooq.transaction-context";

    /** pgjdbc's {@code getTransactionState()} by connection class; {@code null} for a class without it. */
    private static final ClassValue<Method> TRANSACTION_STATE = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                return type.getMethod("getTransactionState");
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    };

    private EnclosingTransaction() {
    }

    /**
     * What transaction {@code configuration} is in, if any.
     *
     * @param configuration the configuration of the context a policy was given
     * @return a description of the enclosing transaction, such as
     *     {@code "a jOOQ transaction (the context is a transaction's configuration)"}; {@code null}
     *     when there is none
     */
    public static @Nullable String of(Configuration configuration) {
        if (configuration.data(JOOQ_TRANSACTION_CONTEXT) != null) {
            return "a jOOQ transaction (the context is the configuration of a ctx.transaction(..) block, or derived from it)";
        }
        ConnectionProvider provider = configuration.connectionProvider();
        Connection connection = provider.acquire();
        if (connection == null) {
            return null; // jOOQ reports the missing connection when the attempt runs
        }
        try {
            String state = transactionState(connection);
            return state == null || state.equals("IDLE") ? null
                    : "a transaction open on its connection (PostgreSQL driver transaction state " + state + ")";
        } finally {
            provider.release(connection);
        }
    }

    /**
     * Whether row locks taken on {@code configuration} last beyond the statement: it is a jOOQ
     * transaction's configuration, or its connection is not in autocommit mode.
     *
     * @param configuration the configuration a pessimistic statement runs on
     * @return {@code false} on an autocommit connection outside any jOOQ transaction
     */
    public static boolean holdsLocks(Configuration configuration) {
        if (configuration.data(JOOQ_TRANSACTION_CONTEXT) != null) {
            return true;
        }
        ConnectionProvider provider = configuration.connectionProvider();
        Connection connection = provider.acquire();
        if (connection == null) {
            return true; // jOOQ reports the missing connection when the statement runs
        }
        try {
            return !connection.getAutoCommit();
        } catch (SQLException e) {
            return true; // the statement will report what is wrong with the connection
        } finally {
            provider.release(connection);
        }
    }

    /** pgjdbc's transaction state of the connection: IDLE, OPEN or FAILED; {@code null} when unknown. */
    private static @Nullable String transactionState(Connection connection) {
        try {
            Connection driver = connection.unwrap(Connection.class); // through a pool's proxy
            Method state = TRANSACTION_STATE.get(driver.getClass());
            if (state == null) {
                return null;
            }
            Object value = state.invoke(driver);
            return value == null ? null : value.toString();
        } catch (SQLException | ReflectiveOperationException | RuntimeException e) {
            return null; // not a connection that tells: only jOOQ's sign counts
        }
    }
}
