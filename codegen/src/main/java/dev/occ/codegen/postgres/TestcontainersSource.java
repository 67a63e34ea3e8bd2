package dev.occ.codegen.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** A PostgreSQL container, when Testcontainers is on the class path and a Docker engine answers. */
final class TestcontainersSource implements PostgresSource {

    static final String IMAGE = "postgres:15-alpine";

    @Override
    public String name() {
        return "Testcontainers";
    }

    @Override
    public Optional<PostgresServer> start(Consumer<String> whyNot) {
        try {
            Class.forName("org.testcontainers.containers.PostgreSQLContainer", false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            whyNot.accept("Testcontainers is not on the class path");
            return Optional.empty();
        }
        // Asking Testcontainers costs seconds and log noise when there is plainly no engine.
        if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))) {
            whyNot.accept("no Docker engine answers (DOCKER_HOST is unset and /var/run/docker.sock is missing)");
            return Optional.empty();
        }
        return Container.start(whyNot);
    }

    /** Kept apart so that Testcontainers' classes load only when it is on the class path. */
    private static final class Container {
        static Optional<PostgresServer> start(Consumer<String> whyNot) {
            if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                whyNot.accept("no Docker engine answers");
                return Optional.empty();
            }
            @SuppressWarnings("resource") // stopped by Testcontainers' own reaper when the JVM exits
            var container = new org.testcontainers.containers.PostgreSQLContainer<>(IMAGE);
            container.start();
            return Optional.of(PostgresServer.forUrl("Testcontainers container " + IMAGE, container.getJdbcUrl(),
                    container.getUsername(), container.getPassword(), true));
        }
    }
}
