package dev.occ.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what a library sends through JDBC: statements executed ({@code execute*} on any
 * {@link Statement}) and transaction ends ({@code commit}, {@code rollback}). Only the counting pass
 * uses it; the timed runs use the driver's connection unwrapped.
 */
final class CountingConnection {

    final AtomicLong statements = new AtomicLong();
    final AtomicLong commits = new AtomicLong();
    final Connection connection;

    CountingConnection(Connection target) {
        this.connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] { Connection.class }, new ConnectionHandler(target));
    }

    private final class ConnectionHandler implements InvocationHandler {
        private final Connection target;

        ConnectionHandler(Connection target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("commit") || name.equals("rollback") && (args == null || args.length == 0)) {
                commits.incrementAndGet();
            }
            Object result = call(target, method, args);
            if (result instanceof Statement statement && method.getReturnType().isInterface()) {
                Class<?> type = method.getReturnType();
                return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] { type },
                        new StatementHandler(statement));
            }
            return result;
        }
    }

    private final class StatementHandler implements InvocationHandler {
        private final Statement target;

        StatementHandler(Statement target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().startsWith("execute")) {
                statements.incrementAndGet();
            }
            return call(target, method, args);
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
