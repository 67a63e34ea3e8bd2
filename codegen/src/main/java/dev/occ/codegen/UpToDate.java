package dev.occ.codegen;

import dev.occ.VersionKind;
import dev.occ.postgres.FlywayPostgresDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jooq.Constants;
import org.jooq.codegen.Generator;
import org.jooq.codegen.GeneratorException;
import org.jooq.codegen.GeneratorStrategy;
import org.jooq.codegen.MatcherStrategy;
import org.jooq.meta.AbstractDatabase;
import org.jooq.meta.Database;

/**
 * Whether the classes in a generator's target package are still what a generation from the same
 * inputs would write, so that generation can be skipped without starting or contacting PostgreSQL.
 *
 * <p>The inputs, digested together: the Flyway migrations (every file of each of
 * {@link FlywayPostgresDatabase#locations()}, read as files, not from a database), the
 * generator's and the database's configuration as jOOQ's {@code GenerationTool} handed them over, and
 * occ's own code (the jars, or class directories, of occ-codegen, occ-postgres and occ-runtime) with
 * jOOQ's version. After each generation the digest is written to a stamp file beside the generated
 * package, {@code <target directory>/occ-codegen-<package>.txt}, with a digest of the files written
 * and the per-table decisions. The next generation is skipped when the digest of the inputs and the
 * files in the package are both unchanged; the system property {@value #FORCE}{@code =true} forces
 * it. Only {@link FlywayPostgresDatabase} can say what its schema comes from: with any other database
 * every generation runs.
 *
 * <p>Not an input: the PostgreSQL server's version. A new server with the same migrations is assumed
 * to give the same catalogue; force a generation after upgrading PostgreSQL if in doubt.
 */
final class UpToDate {

    /** The system property that forces a generation even when the inputs are unchanged. */
    static final String FORCE = "occ.codegen.force";

    private static final String INPUTS = "inputs=";
    private static final String FILESYSTEM = "filesystem:";
    private static final String CLASSPATH = "classpath:";
    private static final String OUTPUT = "output=";

    private final Path stamp;
    private final Path packageDir;
    /** The digest of the inputs, or {@code null} when they cannot be known (then every run generates). */
    private final String inputs;
    /** Why the inputs cannot be known, when {@link #inputs} is null. */
    private final String unknownBecause;

    private UpToDate(Path stamp, Path packageDir, String inputs, String unknownBecause) {
        this.stamp = stamp;
        this.packageDir = packageDir;
        this.inputs = inputs;
        this.unknownBecause = unknownBecause;
    }

    /**
     * @param generator the generator, configured by {@code GenerationTool}
     * @param strategy the strategy as configured, before occ wrapped it
     * @param database the database, configured but not yet connected
     * @return the check for this generation
     */
    static UpToDate of(Generator generator, GeneratorStrategy strategy, Database database) {
        String packageName = generator.getTargetPackage();
        Path target = Path.of(generator.getTargetDirectory()).toAbsolutePath().normalize();
        Path stamp = target.resolve("occ-codegen-" + packageName + ".txt");
        Path packageDir = target.resolve(packageName.replace('.', '/'));
        if (!(database instanceof FlywayPostgresDatabase flyway)) {
            return new UpToDate(stamp, packageDir, null, "the database is " + database.getClass().getName()
                    + ", not " + FlywayPostgresDatabase.class.getName() + ", so occ cannot tell what the schema"
                    + " comes from");
        }
        String configuration = settings(Generator.class, generator) + "strategy=" + describe(strategy) + "\n"
                + settings(Database.class, database) + schemata(database);
        MessageDigest digest = sha256();
        update(digest, "occ", occDigest());
        update(digest, "configuration", configuration);
        update(digest, "migrations", migrationsDigest(flyway.locations()));
        return new UpToDate(stamp, packageDir, HexFormat.of().formatHex(digest.digest()), null);
    }

    /** @return the stamp file, {@code occ-codegen-<package>.txt} in the target directory */
    Path stamp() {
        return stamp;
    }

    /**
     * Whether generation can be skipped: not forced, the stamp file records the same inputs, and the
     * generated package still holds exactly the files recorded.
     *
     * @return true when the generated classes are current
     */
    boolean current() {
        if (inputs == null || Boolean.getBoolean(FORCE) || !Files.isRegularFile(stamp)) {
            return false;
        }
        try {
            List<String> lines = Files.readAllLines(stamp, StandardCharsets.UTF_8);
            return lines.contains(INPUTS + inputs) && lines.contains(OUTPUT + outputDigest());
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Why a generation ran: forced, no stamp, or inputs changed.
     *
     * @return a phrase for the generation's log line
     */
    String whyGenerated() {
        if (inputs == null) {
            return "every run generates: " + unknownBecause;
        }
        if (Boolean.getBoolean(FORCE)) {
            return "forced by -D" + FORCE + "=true";
        }
        if (!Files.isRegularFile(stamp)) {
            return "no earlier generation recorded in " + stamp.getFileName();
        }
        return "the migrations, the configuration, occ or the generated files changed since the last generation";
    }

    /**
     * Writes the stamp file after a successful generation.
     *
     * @param decisions one line per table, as logged
     */
    void record(List<String> decisions) {
        StringBuilder text = new StringBuilder()
                .append("# occ-codegen: what the classes in ").append(packageDir.getFileName())
                .append(" were generated from. While the digests match, generation is skipped without a database;\n")
                .append("# delete this file or build with -D").append(FORCE).append("=true to regenerate.\n")
                .append(INPUTS).append(inputs == null ? "unknown (" + unknownBecause + ")" : inputs).append('\n')
                .append(OUTPUT).append(outputDigest()).append('\n');
        for (String decision : decisions) {
            text.append("# ").append(decision.replace('\n', ' ')).append('\n');
        }
        try {
            Files.createDirectories(stamp.getParent());
            Files.writeString(stamp, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("occ: could not write " + stamp + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every file the Flyway locations hold: each {@code filesystem:} location's files (recursively,
     * by relative path and content) and each {@code classpath:} location's resources, from
     * directories and jars on the context class loader.
     */
    private static String migrationsDigest(List<String> locations) {
        MessageDigest digest = sha256();
        for (String location : locations) {
            update(digest, "location", location);
            try {
                if (location.startsWith(FILESYSTEM)) {
                    digestFiles(digest, Path.of(location.substring(FILESYSTEM.length())));
                } else {
                    digestClasspath(digest, location.startsWith(CLASSPATH)
                            ? location.substring(CLASSPATH.length()) : location);
                }
            } catch (IOException | UncheckedIOException e) {
                throw new GeneratorException("occ: could not read the Flyway location " + location + ": "
                        + e.getMessage(), e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void digestClasspath(MessageDigest digest, String path) throws IOException {
        String prefix = path.replaceAll("^/+", "").replaceAll("/*$", "/");
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = UpToDate.class.getClassLoader();
        }
        for (URL root : Collections.list(loader.getResources(prefix.substring(0, prefix.length() - 1)))) {
            update(digest, "root", root.toString());
            if ("file".equals(root.getProtocol())) {
                try {
                    digestFiles(digest, Path.of(root.toURI()));
                } catch (URISyntaxException e) {
                    throw new IOException(e);
                }
            } else if ("jar".equals(root.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) root.openConnection();
                connection.setUseCaches(false); // a JarFile of its own, which closing does not take from others
                try (JarFile jar = connection.getJarFile()) {
                    List<JarEntry> entries = Collections.list(jar.entries()).stream()
                            .filter(e -> !e.isDirectory() && e.getName().startsWith(prefix))
                            .sorted(Comparator.comparing(JarEntry::getName)).toList();
                    for (JarEntry entry : entries) {
                        update(digest, "file", entry.getName());
                        try (InputStream in = jar.getInputStream(entry)) {
                            digest.update(in.readAllBytes());
                        }
                    }
                }
            } else {
                // a location occ cannot list: a value that never repeats, so every run generates
                update(digest, "unlistable", root + " " + System.nanoTime());
            }
        }
    }

    /** The digest of every file in the generated package: names and contents. */
    private String outputDigest() {
        MessageDigest digest = sha256();
        if (Files.isDirectory(packageDir)) {
            digestFiles(digest, packageDir);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The configuration methods of a jOOQ interface, with the values the object returns: every public
     * method without parameters whose result is a plain setting (a boolean, number, string, string
     * array, enum of jOOQ's configuration, properties, or a list of jOOQ's configuration elements),
     * sorted by name. Methods that would read the database (definitions, input schemata, the dialect)
     * return other types or are left out by name.
     */
    private static String settings(Class<?> type, Object object) {
        Map<String, String> values = new TreeMap<>();
        for (Method method : type.getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers()) || !isSetting(method)) {
                continue;
            }
            try {
                values.put(method.getName(), value(method.invoke(object)));
            } catch (ReflectiveOperationException | RuntimeException e) {
                values.put(method.getName(), "unreadable " + e);
            }
        }
        StringBuilder result = new StringBuilder(type.getName()).append(' ').append(object.getClass().getName()).append('\n');
        values.forEach((name, value) -> result.append(name).append('=').append(value).append('\n'));
        return result.toString();
    }

    private static boolean isSetting(Method method) {
        String name = method.getName();
        // deprecated settings warn when read; GenerationTool passes their values on as getConfigured..()
        if (name.startsWith("getUnused") || name.equals("getDialect") || name.startsWith("getInput")
                || method.isAnnotationPresent(Deprecated.class)) {
            return false;
        }
        Class<?> type = method.getReturnType();
        if (type == boolean.class || type == int.class || type == String.class || type == String[].class
                || type == Properties.class || type == java.util.Locale.class) {
            return true;
        }
        if (type.isEnum()) {
            return type.getPackageName().equals("org.jooq.meta.jaxb");
        }
        return List.class.isAssignableFrom(type) && (name.startsWith("getConfigured") || name.equals("getRegexFlags"));
    }

    private static String value(Object value) {
        if (value instanceof String[] array) {
            return Arrays.toString(array);
        }
        if (value instanceof Properties properties) {
            return new TreeMap<>(properties).toString();
        }
        return String.valueOf(value);
    }

    /**
     * The {@code <schemata>} and {@code <catalogs>} as configured: jOOQ-meta keeps them in private
     * fields of {@link AbstractDatabase} (its {@code getInputSchemata()} may ask the database). When
     * the fields cannot be read, a value that never repeats makes every run generate.
     */
    private static String schemata(Database database) {
        StringBuilder result = new StringBuilder();
        for (String name : List.of("configuredSchemata", "configuredCatalogs")) {
            try {
                Field field = AbstractDatabase.class.getDeclaredField(name);
                field.setAccessible(true);
                result.append(name).append('=').append(field.get(database)).append('\n');
            } catch (ReflectiveOperationException | RuntimeException e) {
                result.append(name).append("=unreadable ").append(System.nanoTime()).append('\n');
            }
        }
        return result.toString();
    }

    private static String describe(GeneratorStrategy strategy) {
        if (strategy == null) {
            return "none";
        }
        String name = strategy.getClass().getName();
        return strategy instanceof MatcherStrategy matcher ? name + " " + matcher.getMatchers() : name;
    }

    /**
     * occ's own code and jOOQ's version: the jar (or class directory) of occ-codegen, occ-postgres and
     * occ-runtime, so that a rebuilt snapshot of occ regenerates too.
     */
    private static String occDigest() {
        MessageDigest digest = sha256();
        update(digest, "jooq", Constants.FULL_VERSION);
        for (Class<?> type : List.of(OccGenerator.class, FlywayPostgresDatabase.class, VersionKind.class)) {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                update(digest, "unknown", type.getName() + System.nanoTime());
                continue;
            }
            try {
                Path path = Path.of(source.getLocation().toURI());
                update(digest, "code", type.getName());
                if (Files.isDirectory(path)) {
                    digestFiles(digest, path);
                } else {
                    digest.update(Files.readAllBytes(path));
                }
            } catch (IOException | URISyntaxException | RuntimeException e) {
                update(digest, "unreadable", type.getName() + System.nanoTime());
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void digestFiles(MessageDigest digest, Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(Path::toString))::iterator) {
                update(digest, "file", root.relativize(file).toString().replace(java.io.File.separatorChar, '/'));
                digest.update(Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void update(MessageDigest digest, String kind, String value) {
        digest.update((kind + "\0" + value + "\0").getBytes(StandardCharsets.UTF_8));
    }
}
