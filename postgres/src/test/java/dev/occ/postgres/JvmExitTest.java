package dev.occ.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Servers and databases occ made are gone once the JVM that made them has ended. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JvmExitTest {

    @Test
    void theEmbeddedServerIsStoppedAndDeletedWhenTheJvmExits() throws Exception {
        ChildJvm.Child child = ChildJvm.Child.launch("exit", Map.of());
        int port = Integer.parseInt(child.await("PORT"));
        Path data = Path.of(child.await("DATA"));
        Path directory = data.getParent();
        assertTrue(directory.getFileName().toString().startsWith(EmbeddedSource.DIRECTORY_PREFIX + child.process.pid() + "-"),
                directory.toString());

        assertEquals(0, child.exitCode(), child.output());

        assertFalse(accepts(port), "nothing listens on port " + port + " any more\n" + child.output());
        assertFalse(Files.exists(data), data + " is deleted");
        assertFalse(Files.exists(directory), directory + " is deleted");
    }

    @Test
    void aKilledJvmsServerIsStoppedAndDeletedByTheNextStart() throws Exception {
        ChildJvm.Child child = ChildJvm.Child.launch("hang", Map.of());
        int port = Integer.parseInt(child.await("PORT"));
        Path directory = Path.of(child.await("DATA")).getParent();

        child.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(child.process.waitFor(30, TimeUnit.SECONDS), "the child JVM is dead");
        assertTrue(Files.isDirectory(directory), "a killed JVM leaves its directory: " + directory);
        assertTrue(accepts(port), "and its server, still running on port " + port);

        Servers.start(PostgresSource.embedded()); // the next start cleans up after dead JVMs

        assertFalse(accepts(port), "the killed JVM's server is stopped");
        assertFalse(Files.exists(directory), directory + " is deleted");
    }

    @Test
    void databasesMadeOnAServerOccDoesNotOwnAreDroppedWhenTheJvmExits() throws Exception {
        PostgresServer server = Postgres.server();
        ChildJvm.Child child = ChildJvm.Child.launch("database", Map.of(
                "OCC_JDBC_URL", server.jdbcUrl("postgres"),
                "OCC_JDBC_USER", server.user(),
                "OCC_JDBC_PASSWORD", server.password() == null ? "" : server.password()));
        String database = child.await("DATABASE");
        assertTrue(child.await("ORIGIN").contains("(OCC_JDBC_URL)"), child.output());
        assertEquals("[flyway_schema_history, probe]", child.await("TABLES"));
        assertTrue(child.output().contains("occ: using PostgreSQL "), "prints the way chosen:\n" + child.output());

        assertEquals(0, child.exitCode(), child.output());

        String databases = String.join(",", Servers.strings(server, "postgres",
                "select datname from pg_database where datname like 'occ_%'"));
        assertFalse(databases.contains(database), database + " is dropped; left: " + databases);
        assertFalse(databases.contains("_" + child.process.pid() + "_"),
                "its template is dropped too; left: " + databases);
        assertTrue(Servers.port(server) > 0, "the server itself, not occ's to stop, still runs");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
