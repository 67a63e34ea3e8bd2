package dev.occ.samples;

import dev.occ.VersionedTable;
import dev.occ.codegen.postgres.TestDatabase;
import dev.occ.samples.db.Public;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * occ's demo: migrates a fresh PostgreSQL database from the {@code occ-schema} jar and prints every
 * table of the example schema with the version metadata occ's generator put on its class.
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; mvn -B -q exec:java -pl samples
 * </pre>
 */
public final class Demo {

    private static final List<String> QUIET = List.of("org.flywaydb", "org.jooq");
    /** Held here, as java.util.logging keeps only weak references to configured loggers. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        quietLibraries();
        TestDatabase db = TestDatabase.create("demo");
        DSLContext ctx = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        System.out.println("occ demo on database " + db.name() + ", migrated from occ-schema's db/migration:");
        for (Table<?> table : Public.PUBLIC.getTables()) {
            System.out.println("  " + describe(table) + "; " + ctx.fetchCount(table) + " rows");
        }
    }

    /** Keeps jOOQ's banner and Flyway's progress out of the demo's output; warnings still show. */
    private static void quietLibraries() {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        for (String name : QUIET) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            QUIETED.add(logger);
        }
    }

    /**
     * Says what a generated table class knows about its version column.
     *
     * @param table a generated table
     * @return for example {@code resource: version column version (COUNTER)}, or
     *     {@code team: no version column}
     */
    static String describe(Table<?> table) {
        if (table instanceof VersionedTable<?, ?> versioned) {
            return table.getName() + ": version column " + versioned.versionField().getName()
                    + " (" + versioned.versionKind() + ")";
        }
        return table.getName() + ": no version column";
    }
}
