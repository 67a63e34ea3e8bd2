package dev.occ.postgres;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One way to obtain a PostgreSQL server. {@link Postgres} tries the {@link #defaults()} in order:
 * an existing server named by {@code OCC_JDBC_URL}, a Testcontainers container when a Docker engine
 * answers, then an embedded throwaway server from the machine's PostgreSQL binaries (or from the
 * {@code io.zonky.test.postgres} binaries on the class path).
 */
public interface PostgresSource {

    /** @return a short name for messages, such as {@code "OCC_JDBC_URL"} */
    String name();

    /**
     * Starts or connects to a server.
     *
     * @param whyNot told, in one sentence, why this source cannot serve when it returns empty
     * @return the server, or empty when this source is not available here
     */
    Optional<PostgresServer> start(Consumer<String> whyNot);

    /**
     * An existing server named by the environment variables {@code OCC_JDBC_URL},
     * {@code OCC_JDBC_USER} and {@code OCC_JDBC_PASSWORD} (or the system properties
     * {@code occ.jdbc.url}, {@code occ.jdbc.user}, {@code occ.jdbc.password}).
     *
     * @return the source
     */
    static PostgresSource externalServer() {
        return new ExternalServerSource(ExternalServerSource::environmentOrSystemProperty);
    }

    /**
     * A PostgreSQL container started by Testcontainers, when Testcontainers is on the class path
     * and a Docker engine answers.
     *
     * @return the source
     */
    static PostgresSource testcontainers() {
        return new TestcontainersSource();
    }

    /**
     * An embedded, throwaway server in a temporary directory, tuned for tests
     * ({@code fsync=off}). It is stopped and deleted when the JVM exits.
     *
     * @return the source
     */
    static PostgresSource embedded() {
        return embedded(Map.of("fsync", "off", "full_page_writes", "off"));
    }

    /**
     * An embedded, throwaway server with the given server settings ({@code -c name=value}), for
     * example durable settings for benchmarks.
     *
     * @param settings server settings passed on the {@code postgres} command line
     * @return the source
     */
    static PostgresSource embedded(Map<String, String> settings) {
        return new EmbeddedSource(Map.copyOf(settings));
    }

    /** @return the sources {@link Postgres#server()} tries, in order */
    static List<PostgresSource> defaults() {
        return List.of(externalServer(), testcontainers(), embedded());
    }
}
