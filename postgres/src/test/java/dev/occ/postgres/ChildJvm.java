package dev.occ.postgres;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The main class of a child JVM that {@link JvmExitTest} launches with the same {@code java} and
 * class path. It prints {@code KEY=value} lines and then, depending on its argument:
 * <ul>
 *   <li>{@code exit}: starts an embedded server and returns from {@code main}, so the JVM exits
 *       normally;</li>
 *   <li>{@code hang}: starts an embedded server and waits to be killed;</li>
 *   <li>{@code database}: creates a {@link TestDatabase} on {@link Postgres#server()} (the parent
 *       points {@code OCC_JDBC_URL} at its own server) and exits.</li>
 * </ul>
 * The embedded modes use the embedded source itself rather than {@link Postgres#server()}, whose
 * search would pick a Docker engine where one answers; the server and its shutdown hook are the
 * same either way.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "exit" -> printServer(Postgres.locate(List.of(PostgresSource.embedded())));
            case "hang" -> {
                printServer(Postgres.locate(List.of(PostgresSource.embedded())));
                Thread.sleep(Long.MAX_VALUE);
            }
            case "database" -> {
                TestDatabase db = TestDatabase.create("child", Servers.PROBE_MIGRATIONS);
                System.out.println("ORIGIN=" + db.server().origin());
                System.out.println("DATABASE=" + db.name());
                System.out.println("TABLES=" + Servers.tables(db));
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.flush();
    }

    private static void printServer(PostgresServer server) {
        System.out.println("PORT=" + Servers.port(server));
        System.out.println("DATA=" + Servers.string(server, "postgres", "select current_setting('data_directory')"));
        System.out.flush();
    }

    /** A running child JVM and what it printed. */
    static final class Child {
        final Process process;
        final Map<String, String> printed = new HashMap<>();
        final List<String> output = new ArrayList<>();
        private final BufferedReader reader;

        private Child(Process process) {
            this.process = process;
            this.reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Launches {@code ChildJvm mode} with the test JVM's java, class path and finder settings. */
        static Child launch(String mode, Map<String, String> environment) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
            Optional.ofNullable(System.getProperty(EmbeddedSource.INSTALLATION))
                    .ifPresent(value -> command.add("-D" + EmbeddedSource.INSTALLATION + "=" + value));
            command.add(ChildJvm.class.getName());
            command.add(mode);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            env.remove("OCC_JDBC_URL");
            env.remove("OCC_JDBC_USER");
            env.remove("OCC_JDBC_PASSWORD");
            env.putAll(environment);
            return new Child(builder.start());
        }

        /** Reads the child's output until it has printed {@code key}, or has ended. */
        String await(String key) throws IOException {
            String line;
            while (!printed.containsKey(key) && (line = reader.readLine()) != null) {
                output.add(line);
                int equals = line.indexOf('=');
                if (equals > 0 && line.substring(0, equals).matches("[A-Z]+")) {
                    printed.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
            if (!printed.containsKey(key)) {
                throw new AssertionError("the child JVM ended without printing " + key + ":\n" + String.join("\n", output));
            }
            return printed.get(key);
        }

        /** Reads the rest of the output and waits for the exit code. */
        int exitCode() throws IOException, InterruptedException {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
            }
            return process.waitFor();
        }

        String output() {
            return String.join("\n", output);
        }
    }
}
