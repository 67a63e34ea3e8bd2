package dev.occ.benchmarks;

import static dev.occ.Occ.optimistic;
import static dev.occ.benchmarks.db.Tables.RESOURCE;

import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.springframework.boot.jooq.autoconfigure.ExceptionTranslatorExecuteListener;

/**
 * Scenario 1b (c), under Spring Boot's jOOQ defaults: scenario 1's update on a {@link DSLContext}
 * configured as Spring Boot's jOOQ auto-configuration configures it, with its exception translator
 * ({@link ExceptionTranslatorExecuteListener#DEFAULT}, an {@code ExecuteListener} that turns an
 * {@link SQLException} into Spring's {@code DataAccessException}). The partner is {@link RawJdbc}.
 */
final class SpringTranslated {

    /** What the check ran into: the exception's class and the SQL state of its cause. */
    record Check(String exceptionClass, String sqlState, String message) {
    }

    private SpringTranslated() {
    }

    /** spring-boot-jooq's version, from its jar's manifest. */
    static String version() {
        String version = ExceptionTranslatorExecuteListener.class.getPackage().getImplementationVersion();
        return version == null ? "?" : version;
    }

    /**
     * A context as Spring Boot configures one: {@code new DefaultConfiguration().set(connection)
     * .set(SQLDialect.POSTGRES).set(new DefaultExecuteListenerProvider(ExceptionTranslatorExecuteListener.DEFAULT))}.
     */
    static DSLContext context(Connection connection) {
        return DSL.using(new DefaultConfiguration()
                .set(connection)
                .set(SQLDialect.POSTGRES)
                .set(new DefaultExecuteListenerProvider(ExceptionTranslatorExecuteListener.DEFAULT)));
    }

    /**
     * Not timed, once before the scenario: a failing occ update under the Spring configuration (the
     * row's right version, {@code data = '{not json'}) must throw a Spring
     * {@link org.springframework.dao.DataAccessException}, as it would in a Spring Boot application;
     * anything else means the listener was bypassed, and fails the benchmark.
     *
     * @param id an existing row of {@code resource}; it is not changed
     */
    static Check check(Connection connection, int id) throws SQLException {
        int version = RawJdbc.versions(connection, new int[] { id })[0];
        LockingDSLContext db = Occ.using(context(connection));
        try {
            db.update(RESOURCE)
                    .set(RESOURCE.NAME, "spring check")
                    .set(RESOURCE.DATA, JSONB.valueOf("{not json"))
                    .where(RESOURCE.ID.eq(id))
                    .lockingPolicy(optimistic(RESOURCE.VERSION, version))
                    .execute();
        } catch (org.springframework.dao.DataAccessException expected) {
            Throwable cause = expected.getMostSpecificCause();
            String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
            String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
            return new Check(expected.getClass().getName(), state, message);
        } catch (RuntimeException other) {
            throw new IllegalStateException("A failing occ update under Spring Boot's exception translator threw "
                    + other.getClass().getName() + ", not Spring's DataAccessException: the listener was bypassed",
                    other);
        }
        throw new IllegalStateException("An occ update of invalid JSON succeeded under the Spring configuration");
    }

    /** occ's update of scenario 1 ({@link OccDsl#execute}) on the Spring-configured context. */
    static final class OccSpring extends Contender {

        private final LockingDSLContext db;
        private final int[] versions;

        OccSpring(Connection connection, int[] ids) throws SQLException {
            super(connection, ids);
            this.db = Occ.using(context(connection));
            this.versions = RawJdbc.versions(connection, ids);
        }

        @Override
        String name() {
            return "occ DSL, Spring Boot exception translator";
        }

        @Override
        void write(int row, int value) {
            expectOne(OccDsl.execute(db, ids[row], value, versions[row]), name());
            versions[row]++;
        }
    }

    /**
     * Plain jOOQ, the anchor: scenario 1's hand-written update ({@link JooqDsl#execute}) on the
     * Spring-configured context.
     */
    static final class JooqSpring extends Contender {

        private final DSLContext ctx;
        private final int[] versions;

        JooqSpring(Connection connection, int[] ids) throws SQLException {
            super(connection, ids);
            this.ctx = context(connection);
            this.versions = RawJdbc.versions(connection, ids);
        }

        @Override
        String name() {
            return "jOOQ DSL, Spring Boot exception translator";
        }

        @Override
        void write(int row, int value) {
            expectOne(JooqDsl.execute(ctx, ids[row], value, versions[row]), name());
            versions[row]++;
        }
    }
}
