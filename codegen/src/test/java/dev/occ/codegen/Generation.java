package dev.occ.codegen;

import dev.occ.postgres.FlywayPostgresDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Property;
import org.jooq.meta.jaxb.SchemaMappingType;
import org.jooq.meta.jaxb.SyntheticObjectsType;
import org.jooq.meta.jaxb.SyntheticPrimaryKeyType;
import org.jooq.meta.jaxb.Target;

/**
 * Runs occ's generator the way jooq-codegen-maven does, through jOOQ's {@link GenerationTool}, over
 * a fixture directory of Flyway migrations, into a directory of the test's.
 */
final class Generation {

    /** The fixtures of these tests, one directory of Flyway migrations each. */
    static final Path FIXTURES = Paths.get("src/test/resources/fixtures").toAbsolutePath();

    /** occ's example schema, as the schema module ships it. */
    static final Path EXAMPLE_SCHEMA = Paths.get("../schema/src/main/resources/db/migration").toAbsolutePath().normalize();

    private String locations;
    private final Path target;
    private Path basedir;
    private Jdbc jdbc;
    private final List<Property> properties = new ArrayList<>();
    private String packageName = "dev.occ.fixture";
    private String versionFields;
    private String timestampFields;
    private final List<String> schemata = new ArrayList<>();
    private SyntheticPrimaryKeyType syntheticPrimaryKey;

    private Generation(String locations, Path target) {
        this.locations = locations;
        this.target = target;
    }

    /**
     * @param fixture a directory under {@link #FIXTURES}
     * @param target where the sources go
     * @return a generation of that fixture
     */
    static Generation of(String fixture, Path target) {
        return ofDirectory(FIXTURES.resolve(fixture), target);
    }

    /**
     * @param migrations a directory of Flyway migrations
     * @param target where the sources go
     * @return a generation of those migrations
     */
    static Generation ofDirectory(Path migrations, Path target) {
        return new Generation("filesystem:" + migrations, target);
    }

    /**
     * @param locations the value of FlywayPostgresDatabase's locations property, as written
     * @param target where the sources go
     * @return a generation of those locations
     */
    static Generation ofLocations(String locations, Path target) {
        return new Generation(locations, target);
    }

    /** Sets the base directory, as jooq-codegen-maven sets it to Maven's ${basedir}. */
    Generation basedir(Path dir) {
        this.basedir = dir;
        return this;
    }

    /** Configures a {@code <jdbc>} element, which FlywayPostgresDatabase refuses. */
    Generation jdbc(Jdbc connection) {
        this.jdbc = connection;
        return this;
    }

    /** Declares a jOOQ synthetic primary key ({@code <syntheticObjects><primaryKeys>}). */
    Generation syntheticPrimaryKey(String tables, String... fields) {
        this.syntheticPrimaryKey = new SyntheticPrimaryKeyType().withTables(tables).withFields(fields);
        return this;
    }

    /** Adds a property of the database. */
    Generation property(String key, String value) {
        properties.add(new Property().withKey(key).withValue(value));
        return this;
    }

    Generation packageName(String name) {
        this.packageName = name;
        return this;
    }

    Generation recordVersionFields(String regex) {
        this.versionFields = regex;
        return this;
    }

    Generation recordTimestampFields(String regex) {
        this.timestampFields = regex;
        return this;
    }

    Generation schemata(String... names) {
        schemata.addAll(List.of(names));
        return this;
    }

    /** The configuration a user writes in jooq-codegen-maven's {@code <configuration>}. */
    Configuration configuration() {
        Database database = new Database()
                .withName(FlywayPostgresDatabase.class.getName())
                .withProperties(new Property()
                        .withKey(FlywayPostgresDatabase.LOCATIONS)
                        .withValue(locations))
                .withRecordVersionFields(versionFields)
                .withRecordTimestampFields(timestampFields);
        if (syntheticPrimaryKey != null) {
            database.withSyntheticObjects(new SyntheticObjectsType().withPrimaryKeys(syntheticPrimaryKey));
        }
        for (Property property : properties) {
            database.withProperties(property);
        }
        for (String schema : schemata) {
            database.withSchemata(new SchemaMappingType().withInputSchema(schema));
        }
        return new Configuration()
                .withBasedir(basedir == null ? null : basedir.toString())
                .withJdbc(jdbc)
                .withLogging(Logging.WARN)
                .withGenerator(new Generator()
                        .withName(OccGenerator.class.getName())
                        .withDatabase(database)
                        .withGenerate(new Generate())
                        .withTarget(new Target()
                                .withPackageName(packageName)
                                .withDirectory(target.toString())));
    }

    /**
     * Generates.
     *
     * @return the generated sources
     * @throws Exception what generation throws
     */
    GeneratedSources run() throws Exception {
        GenerationTool.generate(configuration());
        return new GeneratedSources(target, packageName);
    }

    /** The sources a generation wrote. */
    record GeneratedSources(Path root, String packageName) {

        /**
         * @param relative a path relative to the package directory, such as
         *     {@code public_/tables/CounterInt.java} or {@code tables/CounterInt.java}
         * @return the file's text
         */
        String read(String relative) {
            try {
                return Files.readString(packageDir().resolve(relative));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Path packageDir() {
            return root.resolve(packageName.replace('.', '/'));
        }

        boolean exists(String relative) {
            return Files.exists(packageDir().resolve(relative));
        }

        List<Path> javaFiles() {
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
