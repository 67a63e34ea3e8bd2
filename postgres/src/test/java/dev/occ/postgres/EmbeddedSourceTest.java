package dev.occ.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The embedded path: a throwaway server from PostgreSQL binaries, started by this JVM. */
class EmbeddedSourceTest {

    @Test
    void startsAServerOfTheBinariesVersionThatAnswersQueries() throws IOException {
        Path bin = EmbeddedSource.installedBinaries().or(EmbeddedSource::downloadedBinaries).orElseThrow(
                () -> new AssertionError("this machine has PostgreSQL binaries; the finder did not find them"));
        String binariesVersion = EmbeddedSource.run(List.of(bin.resolve("postgres").toString(), "--version"));

        long started = System.nanoTime();
        PostgresServer server = Servers.start(PostgresSource.embedded());
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(server.isOwned(), "occ started it, so occ deletes it");
        assertTrue(server.origin().startsWith("embedded server from " + bin), server.origin());
        assertTrue(server.version().matches("\\d+\\.\\d+.*"), server.version());
        // e.g. "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" and server_version "15.18 (Debian ...)"
        assertTrue(binariesVersion.contains("(PostgreSQL) " + server.version().split(" ")[0]),
                binariesVersion + " vs " + server.version());
        assertEquals(PinnedVersion.major(), server.version().split("\\.")[0],
                "occ pins PostgreSQL " + PinnedVersion.full() + " (postgres.version in the root pom): " + server.version());
        assertEquals("2", Servers.string(server, "postgres", "select 1 + 1"));
        assertEquals("off", Servers.string(server, "postgres", "show fsync"), "tuned for tests");
        assertEquals("UTF8", Servers.string(server, "postgres", "show server_encoding"));
        // [occ#11] a default installation's superuser, so that ALTER ... OWNER TO postgres runs unchanged
        assertEquals("postgres", Servers.string(server, "postgres", "select current_user"));
        assertEquals("true", Servers.string(server, "postgres", "select rolsuper::text from pg_roles where rolname = 'postgres'"));
        assertTrue(server.jdbcUrl("x").startsWith("jdbc:postgresql://127.0.0.1:"), server.jdbcUrl("x"));
        assertTrue(millis < 20_000, "started in " + millis + " ms");
        System.out.println("embedded server started in " + millis + " ms: " + server);
    }

    @Test
    void runsAsAnUnprivilegedUserInADirectoryOfThisJvm() throws IOException {
        PostgresServer server = Servers.start(PostgresSource.embedded());
        Path data = Servers.assertRunsAsUnprivilegedUser(server);
        Path directory = data.getParent();
        assertTrue(Servers.embeddedDirectoriesOf(ProcessHandle.current().pid()).contains(directory),
                directory + " is named after this JVM, so that a later JVM can tell when it is dead");
        assertTrue(directory.startsWith(Path.of(System.getProperty("java.io.tmpdir"))), directory.toString());
    }

    @Test
    void settingsReachTheServer() {
        PostgresServer server = Servers.start(PostgresSource.embedded(
                Map.of("fsync", "on", "cluster_name", "it's occ", "work_mem", "8MB")));
        assertEquals("on", Servers.string(server, "postgres", "show fsync"));
        assertEquals("8MB", Servers.string(server, "postgres", "show work_mem"));
        assertEquals("it's occ", Servers.string(server, "postgres", "show cluster_name"),
                "a value with a quote and a space survives pg_ctl's shell");
    }

    @Test
    void aFailedStartSaysWhyAndLeavesNoServerOrDirectoryBehind() throws IOException {
        long pid = ProcessHandle.current().pid();
        Set<Path> before = Servers.embeddedDirectoriesOf(pid);
        PostgresSource broken = PostgresSource.embedded(Map.of("no_such_setting", "1"));

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> broken.start(reason -> { }));

        assertTrue(e.getMessage().startsWith("Could not start an embedded PostgreSQL from "), e.getMessage());
        assertTrue(e.getMessage().contains("pg_ctl"), e.getMessage());
        assertTrue(e.getMessage().contains("server.log:") && e.getMessage().contains("no_such_setting"),
                "the server's own complaint is in the message: " + e.getMessage());
        assertEquals(before, Servers.embeddedDirectoriesOf(pid), "the failed server's directory is deleted at once");
    }

    @Test
    void declinesWithoutBinaries() {
        List<String> reasons = new ArrayList<>();
        Optional<PostgresServer> server = new EmbeddedSource(Map.of(), Optional::empty).start(reasons::add);
        assertTrue(server.isEmpty());
        assertEquals(1, reasons.size());
        assertTrue(reasons.get(0).startsWith("no PostgreSQL binaries found"), reasons.get(0));
    }

    @Test
    void installationPropertyNoneIgnoresTheMachinesBinariesAndAWrongDirectoryIsAnError() throws IOException {
        String previous = System.getProperty(EmbeddedSource.INSTALLATION);
        Path empty = Files.createTempDirectory("occ-no-binaries");
        try {
            System.setProperty(EmbeddedSource.INSTALLATION, "none");
            assertEquals(Optional.empty(), EmbeddedSource.installedBinaries());
            System.setProperty(EmbeddedSource.INSTALLATION, empty.toString());
            IllegalStateException e = assertThrows(IllegalStateException.class, EmbeddedSource::installedBinaries);
            assertTrue(e.getMessage().startsWith("-Docc.postgres.installation is " + empty + ", but that directory"
                    + " lacks initdb, pg_ctl or postgres"), e.getMessage());
            // [occ#11] the message names the setting the user actually made
            IllegalStateException fromVariable = assertThrows(IllegalStateException.class,
                    () -> EmbeddedSource.installedBinaries(null, empty.toString()));
            assertTrue(fromVariable.getMessage().startsWith("the environment variable OCC_POSTGRES_INSTALLATION is "
                    + empty + ", but"), fromVariable.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(EmbeddedSource.INSTALLATION);
            } else {
                System.setProperty(EmbeddedSource.INSTALLATION, previous);
            }
            Files.delete(empty);
        }
        assertFalse(Files.exists(empty));
    }
}
