package dev.occ.codegen;

import static dev.occ.codegen.OccGeneratorTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.postgres.TestDatabaseExtension;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A new user's project, built as they would build it: a fresh Maven project whose {@code <plugins>}
 * is the README's snippet as it stands (two schemas), with occ's jars from this build in a private
 * local repository under {@code target/}, built twice: first on the build's PostgreSQL, then with no
 * PostgreSQL reachable at all (the second generation is up to date). Its own code then runs a locked
 * update, and a stale one that conflicts, on the generated classes.
 *
 * <p>Runs in {@code integration-test}, after occ-codegen's jar is packaged. Third-party artifacts
 * come read-only from the machine's local repository ({@code ~/.m2/repository}, served as a
 * {@code file:} repository without snapshots), so nothing is written outside {@code target/}.
 */
class ExternalProjectIT {

    private static final Path CODEGEN = Paths.get("").toAbsolutePath();
    private static final Path ROOT = CODEGEN.getParent();
    private static final Path WORK = CODEGEN.resolve("target/external-project");
    private static final String UNREACHABLE = "jdbc:postgresql://127.0.0.1:1/nothing";

    @RegisterExtension
    static final TestDatabaseExtension DB = TestDatabaseExtension.migrated("external_project",
            "filesystem:" + Generation.FIXTURES.resolve("readme"));

    @Test
    void freshProjectBuildsTwiceTheSecondTimeWithoutPostgres() throws Exception {
        String version = projectVersion();
        Path repository = WORK.resolve("m2");
        Path project = WORK.resolve("fresh");
        deleteRecursively(WORK);
        seed(repository, version);
        Path settings = settings(repository);
        writeProject(project, version);

        long started = System.nanoTime();
        Build first = mvn(project, settings, Map.of(), List.of());
        long firstMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, first.exit(), first.output());
        assertContains(first.output(), "occ: generated");

        started = System.nanoTime();
        Build second = mvn(project, settings, Map.of("OCC_JDBC_URL", UNREACHABLE),
                List.of("-Docc.postgres.installation=none"));
        long secondMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, second.exit(), "the second build needs no PostgreSQL:\n" + second.output());
        assertContains(second.output(), "occ: up to date");
        assertFalse(second.output().contains("occ: using"), second.output());
        System.out.println("[occ external] first build " + firstMillis + " ms (PostgreSQL, migrate, generate),"
                + " second build " + secondMillis + " ms (up to date, no PostgreSQL reachable)");

        try (URLClassLoader classes = new URLClassLoader(new URL[] {project.resolve("target/classes").toUri().toURL()},
                getClass().getClassLoader()); Connection connection = DB.connect()) {
            Object result = classes.loadClass("com.example.App").getMethod("run", Connection.class)
                    .invoke(null, connection);
            assertTrue(String.valueOf(result).startsWith("saved at version 2; the stale copy: Conflict on public.note"),
                    String.valueOf(result));
        }
    }

    /** occ's parent POM and the jars a user's build needs, laid out as installed artifacts. */
    private static void seed(Path repository, String version) throws IOException {
        copy(ROOT.resolve("pom.xml"), repository, "occ-parent", version, "pom");
        for (String module : List.of("runtime", "postgres", "codegen")) {
            String artifact = "occ-" + module;
            Path jar = ROOT.resolve(module + "/target/" + artifact + "-" + version + ".jar");
            assertTrue(Files.isRegularFile(jar), jar + " is built before integration-test");
            copy(ROOT.resolve(module + "/pom.xml"), repository, artifact, version, "pom");
            copy(jar, repository, artifact, version, "jar");
        }
    }

    private static void copy(Path file, Path repository, String artifact, String version, String extension)
            throws IOException {
        Path dir = Files.createDirectories(repository.resolve("dev/occ/" + artifact + "/" + version));
        Files.copy(file, dir.resolve(artifact + "-" + version + "." + extension), StandardCopyOption.REPLACE_EXISTING);
    }

    /** A private local repository; everything else from the machine's repository, read-only, no snapshots. */
    private static Path settings(Path repository) throws IOException {
        String machine = Paths.get(System.getProperty("user.home"), ".m2/repository").toUri().toString();
        String repo = "<id>central</id><url>" + machine + "</url>"
                + "<releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots>";
        Path settings = WORK.resolve("settings.xml");
        Files.writeString(settings, "<settings><localRepository>" + repository + "</localRepository>"
                + "<profiles><profile><id>machine</id>"
                + "<repositories><repository>" + repo + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + repo + "</pluginRepository></pluginRepositories>"
                + "</profile></profiles><activeProfiles><activeProfile>machine</activeProfile></activeProfiles>"
                + "</settings>");
        return settings;
    }

    private static void writeProject(Path project, String version) throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher xml = Pattern.compile("```xml\n(<plugins>.*?</plugins>)\n```", Pattern.DOTALL)
                .matcher(readme.substring(readme.indexOf("## Generating classes")));
        assertTrue(xml.find(), "the README's <plugins> snippet");
        Files.createDirectories(project);
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>fresh</artifactId>
                  <version>1.0</version>
                  <properties>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <dependency>
                      <groupId>dev.occ</groupId>
                      <artifactId>occ-runtime</artifactId>
                      <version>%s</version>
                    </dependency>
                    <dependency>
                      <groupId>org.jooq</groupId>
                      <artifactId>jooq</artifactId>
                      <version>%s</version>
                    </dependency>
                    <dependency>
                      <groupId>org.postgresql</groupId>
                      <artifactId>postgresql</artifactId>
                      <version>%s</version>
                    </dependency>
                  </dependencies>
                  <build>
                    <!-- not the README's: the machine's repository holds Maven 3.8's default resources
                         plugin (2.6) without its dependencies, which a user's build would download -->
                    <pluginManagement>
                      <plugins>
                        <plugin>
                          <groupId>org.apache.maven.plugins</groupId>
                          <artifactId>maven-resources-plugin</artifactId>
                          <version>3.3.1</version>
                        </plugin>
                      </plugins>
                    </pluginManagement>
                %s
                  </build>
                </project>
                """.formatted(version, org.jooq.Constants.VERSION, org.postgresql.util.DriverInfo.DRIVER_VERSION,
                xml.group(1)), StandardCharsets.UTF_8);
        Path migrations = Files.createDirectories(project.resolve("src/main/resources/db/migration"));
        Files.copy(Generation.FIXTURES.resolve("readme/V1__readme_example.sql"), migrations.resolve("V1__readme_example.sql"));
        Path app = Files.createDirectories(project.resolve("src/main/java/com/example"));
        Files.writeString(app.resolve("App.java"), """
                package com.example;

                import static com.example.db.public_.Tables.NOTE;

                import com.example.db.public_.tables.records.NoteRecord;
                import dev.occ.ConflictException;
                import dev.occ.Occ;
                import java.sql.Connection;
                import org.jooq.DSLContext;
                import org.jooq.JSONB;
                import org.jooq.SQLDialect;
                import org.jooq.impl.DSL;

                /** A user's locked update on the generated classes. */
                public final class App {
                    public static String run(Connection connection) {
                        DSLContext ctx = DSL.using(connection, SQLDialect.POSTGRES);
                        NoteRecord note = ctx.insertInto(NOTE).set(NOTE.BODY, JSONB.valueOf("{}")).returning().fetchOne();
                        NoteRecord stale = ctx.fetchOne(NOTE, NOTE.ID.eq(note.getId()));
                        Occ.using(ctx).update(NOTE).set(NOTE.BODY, JSONB.valueOf("{\\"v\\": 2}"))
                                .where(NOTE.ID.eq(note.getId())).lockingPolicy(Occ.optimistic(note)).execute();
                        try {
                            Occ.using(ctx).update(NOTE).set(NOTE.BODY, JSONB.valueOf("{\\"v\\": 3}"))
                                    .where(NOTE.ID.eq(stale.getId())).lockingPolicy(Occ.optimistic(stale)).execute();
                            return "saved at version " + note.getVersion() + "; the stale copy was saved too";
                        } catch (ConflictException e) {
                            return "saved at version " + note.getVersion() + "; the stale copy: " + e.getMessage();
                        }
                    }
                }
                """, StandardCharsets.UTF_8);
    }

    /** The result of one Maven build of the fresh project. */
    record Build(int exit, String output) {
    }

    private static Build mvn(Path project, Path settings, Map<String, String> environment, List<String> arguments)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-s", settings.toString(), "compile"));
        command.addAll(arguments);
        Path log = Files.createTempFile(WORK, "mvn", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(600, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("mvn compile did not end within 600 s:\n" + Files.readString(log));
        }
        return new Build(process.exitValue(), Files.readString(log));
    }

    private static String projectVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>occ-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(version.find(), "the root pom's version");
        return version.group(1);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
        assertFalse(Files.exists(dir));
        assertTrue(new File(dir.getParent().toString()).isDirectory());
    }
}
