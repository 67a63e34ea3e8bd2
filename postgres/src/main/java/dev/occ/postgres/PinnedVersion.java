package dev.occ.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The PostgreSQL version occ is built and tested against. It is pinned once, as the property
 * {@code postgres.version} of the root pom (the version of the {@code io.zonky.test.postgres}
 * binaries, such as {@code 15.10.0}); Maven writes it into {@code dev/occ/postgres/postgres.properties}.
 */
public final class PinnedVersion {

    private static final String RESOURCE = "postgres.properties";
    private static final String VERSION = load();

    private PinnedVersion() {
    }

    private static String load() {
        Properties properties = new Properties();
        try (InputStream in = PinnedVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("dev/occ/postgres/" + RESOURCE + " is missing from occ-postgres;"
                        + " build it with Maven, which fills in the pinned PostgreSQL version");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = properties.getProperty("version", "");
        if (!version.matches("\\d+(\\.\\d+)*")) {
            throw new IllegalStateException("dev/occ/postgres/" + RESOURCE + " holds version=" + version
                    + ", not a PostgreSQL version; Maven filters it from the root pom's postgres.version");
        }
        return version;
    }

    /** @return the pinned version as the root pom has it, such as {@code 15.10.0} */
    public static String full() {
        return VERSION;
    }

    /** @return the pinned major version, such as {@code 15} */
    public static String major() {
        return VERSION.substring(0, VERSION.indexOf('.') < 0 ? VERSION.length() : VERSION.indexOf('.'));
    }
}
