package dev.occ.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** A PostgreSQL container, when Testcontainers is on the class path and a Docker engine answers. */
final class TestcontainersSource implements PostgresSource {

    /** The image of the {@linkplain PinnedVersion pinned} major version, such as {@code postgres:15-alpine}. */
    static final String IMAGE = "postgres:" + PinnedVersion.major() + "-alpine";

    private final Function<String, String> environment;
    private final Path home;

    TestcontainersSource() {
        this(System::getenv, Path.of(System.getProperty("user.home")));
    }

    /**
     * @param environment reads environment variables ({@code DOCKER_HOST}, {@code XDG_RUNTIME_DIR})
     * @param home the user's home directory, where Docker Desktop, Colima, Rancher Desktop and
     *     Testcontainers' own configuration keep their files
     */
    TestcontainersSource(Function<String, String> environment, Path home) {
        this.environment = environment;
        this.home = home;
    }

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
        if (!mayHaveEngine()) {
            whyNot.accept("no Docker engine answers (DOCKER_HOST is unset, " + home.resolve(".testcontainers.properties")
                    + " is missing, and none of " + socketCandidates() + " exists)");
            return Optional.empty();
        }
        return Container.start(whyNot);
    }

    /** Whether anything hints at a Docker engine Testcontainers could find; if not, it finds none. */
    boolean mayHaveEngine() {
        if (System.getProperty("os.name", "").startsWith("Windows")) {
            return true; // named pipes: let Testcontainers look
        }
        String dockerHost = environment.apply("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return true;
        }
        if (Files.exists(home.resolve(".testcontainers.properties"))) {
            return true; // may name docker.host or a client strategy
        }
        return socketCandidates().stream().anyMatch(Files::exists);
    }

    /** The Unix sockets where Docker, rootless Docker, Docker Desktop, Colima and Rancher Desktop listen. */
    List<Path> socketCandidates() {
        List<Path> sockets = new ArrayList<>();
        sockets.add(Path.of("/var/run/docker.sock"));
        String runtimeDir = environment.apply("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            sockets.add(Path.of(runtimeDir, "docker.sock"));
        }
        sockets.add(home.resolve(".docker/run/docker.sock"));
        sockets.add(home.resolve(".docker/desktop/docker.sock"));
        sockets.add(home.resolve(".colima/default/docker.sock"));
        sockets.add(home.resolve(".rd/docker.sock"));
        return sockets;
    }

    /** Kept apart so that Testcontainers' classes load only when it is on the class path. */
    private static final class Container {
        static Optional<PostgresServer> start(Consumer<String> whyNot) {
            if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                whyNot.accept("no Docker engine answers");
                return Optional.empty();
            }
            @SuppressWarnings("resource") // stopped by Testcontainers' own reaper when the JVM exits
            // the superuser of a default installation, as the embedded server's: pg_dump-style
            // migrations (ALTER ... OWNER TO postgres) run unchanged
            var container = new org.testcontainers.containers.PostgreSQLContainer<>(IMAGE).withUsername("postgres");
            try {
                container.start();
            } catch (RuntimeException e) {
                // e.g. the image cannot be pulled offline: let the embedded server have a go
                String reason = "a Docker engine answers, but " + IMAGE + " did not start: " + e;
                System.err.println("occ: " + reason);
                whyNot.accept(reason);
                return Optional.empty();
            }
            return Optional.of(PostgresServer.forUrl("Testcontainers container " + IMAGE, container.getJdbcUrl(),
                    container.getUsername(), container.getPassword(), true));
        }
    }
}
