package dev.occ.samples.http;

import dev.occ.Occ;
import dev.occ.RetryPolicy;
import dev.occ.postgres.TestDatabase;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The database the service runs on, and occ under Spring Boot's jOOQ defaults.
 *
 * <ul>
 * <li>The {@link DataSource}: a fresh database from occ's finder ({@code OCC_JDBC_URL} when set,
 *     otherwise an embedded server from the machine's PostgreSQL binaries), which Spring Boot's
 *     Flyway then migrates with {@code occ-schema}'s {@code db/migration}.</li>
 * <li>Nothing for occ's direct execution: Spring Boot registers its exception translator as a
 *     jOOQ {@code ExecuteListener} that watches only failures, which leaves occ's direct path on
 *     (see {@link Occ#DIRECT_EXECUTION}); a failed direct update reaches that listener as any
 *     other statement's failure does, and arrives as the same Spring {@code DataAccessException}.</li>
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
