package dev.occ.samples.http;

import dev.occ.Occ;
import dev.occ.RetryPolicy;
import dev.occ.postgres.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jooq.autoconfigure.DefaultConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.support.PersistenceExceptionTranslator;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * The database the service runs on, and occ under Spring Boot's jOOQ defaults.
 *
 * <ul>
 * <li>The {@link DataSource}: a fresh database from occ's finder ({@code OCC_JDBC_URL} when set,
 *     otherwise an embedded server from the machine's PostgreSQL binaries), which Spring Boot's
 *     Flyway then migrates with {@code occ-schema}'s {@code db/migration}.</li>
 * <li>occ's direct execution: Spring Boot registers its exception translator as a jOOQ
 *     {@code ExecuteListener}, which turns occ's direct path off by default. The customizer turns it
 *     back on ({@link Occ#DIRECT_EXECUTION}); the translator that the listener would have applied to
 *     a direct update's failure is applied by Spring's {@code @Repository} exception translation
 *     instead ({@link #directPathTranslator}), so callers see the same Spring exceptions either
 *     way.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    /**
     * A pooled data source on a new, empty database of occ's PostgreSQL server.
     *
     * @return the data source
     */
    @Bean
    public DataSource dataSource() {
        TestDatabase db = TestDatabase.create("samples_http", new String[0]); // Flyway migrates it below
        return DataSourceBuilder.create()
                .url(db.jdbcUrl())
                .username(db.server().user())
                .password(db.server().password())
                .build();
    }

    /**
     * Takes occ's direct path for simple locked updates despite Spring Boot's exception-translating
     * execute listener.
     *
     * @return the customizer
     */
    @Bean
    public DefaultConfigurationCustomizer occDirectExecution() {
        return configuration -> configuration.data(Occ.DIRECT_EXECUTION, true);
    }

    /**
     * Translates what jOOQ's listener chain did not see, a failed direct update, with the translator
     * Spring Boot's listener uses for PostgreSQL ({@link SQLErrorCodeSQLExceptionTranslator}), for
     * every {@code @Repository} bean. occ's {@code ConflictException} carries no
     * {@link SQLException} and passes through unchanged.
     *
     * @param dataSource the database, whose product name picks the error codes
     * @return the translator
     */
    @Bean
    public PersistenceExceptionTranslator directPathTranslator(DataSource dataSource) {
        SQLExceptionTranslator sql = new SQLErrorCodeSQLExceptionTranslator(dataSource);
        return e -> {
            if (e instanceof DataAccessException || !(e instanceof org.jooq.exception.DataAccessException jooq)
                    || !(jooq.getCause() instanceof SQLException cause)) {
                return null;
            }
            return sql.translate("jOOQ", null, cause);
        };
    }

    /**
     * The retry policy of the points transfer: a conflict re-runs the whole unit.
     *
     * @return the policy
     */
    @Bean
    public RetryPolicy retryPolicy() {
        return RetryPolicy.builder()
                .withMaxAttempts(10)
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(50))
                .build();
    }
}
