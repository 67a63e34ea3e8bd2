package dev.occ.samples;

import static dev.occ.Occ.optimistic;
import static dev.occ.samples.db.Tables.PLAYER;
import static dev.occ.samples.db.Tables.RESOURCE;
import static dev.occ.samples.db.Tables.TEAM;

import dev.occ.ConflictException;
import dev.occ.Occ;
import dev.occ.RetryPolicy;
import dev.occ.VersionedTable;
import dev.occ.postgres.TestDatabase;
import dev.occ.samples.db.Public;
import dev.occ.samples.db.tables.records.ResourceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * occ's demo: migrates a fresh PostgreSQL database from the {@code occ-schema} jar, prints every
 * table of the example schema with the version metadata occ's generator put on its class, then shows
 * a lost update prevented (two users edit one resource) and the points transfer of the feature
 * request.
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
        lostUpdatePrevented(ctx);
        pointsTransfer(ctx);
    }

    /** Two users read version 1 of a resource; the first save wins, the second learns why it lost. */
    static void lostUpdatePrevented(DSLContext ctx) {
        ResourceService service = new ResourceService(ctx, RetryPolicy.defaults());
        ResourceRecord created = service.create("report", JSONB.valueOf("{\"pages\": 1}"));
        int read = created.getVersion();
        System.out.println("\nAlice and Bob both read resource " + created.getId() + " at version " + read + ".");
        System.out.println("The locked update runs as: " + Occ.using(ctx).update(RESOURCE)
                .set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(created.getId()))
                .lockingPolicy(optimistic(RESOURCE.VERSION, read)).getSQL());
        ResourceRecord alice = service.update(created.getId(), read, "report (Alice)", JSONB.valueOf("{\"pages\": 2}"));
        System.out.println("Alice saves: now version " + alice.getVersion() + ", name '" + alice.getName() + "'.");
        try {
            service.update(created.getId(), read, "report (Bob)", JSONB.valueOf("{\"pages\": 3}"));
            throw new IllegalStateException("Bob's stale update was written: a lost update");
        } catch (ConflictException e) {
            System.out.println("Bob saves with version " + read + ": HTTP 409, " + e.getMessage());
        }
        System.out.println("The row keeps Alice's edit: " + ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(created.getId())));
    }

    /** The feature request's game: points move between two players in one transaction. */
    static void pointsTransfer(DSLContext ctx) {
        Integer team = ctx.insertInto(TEAM, TEAM.NAME).values("demo").returning(TEAM.ID).fetchOne().getId();
        Integer loser = ctx.insertInto(PLAYER, PLAYER.TEAM_ID, PLAYER.NAME, PLAYER.NUM_POINTS)
                .values(team, "loser", 10).returning(PLAYER.ID).fetchOne().getId();
        Integer winner = ctx.insertInto(PLAYER, PLAYER.TEAM_ID, PLAYER.NAME, PLAYER.NUM_POINTS)
                .values(team, "winner", 10).returning(PLAYER.ID).fetchOne().getId();
        ResourceService service = new ResourceService(ctx, RetryPolicy.defaults());
        int balance = service.transferPoints(loser, winner, 2);
        System.out.println("\nTransferred 2 points, each player locked on updated_at: winner now has " + balance
                + ", loser " + ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(loser)) + ".");
        try {
            service.transferPoints(loser, winner, 100);
        } catch (DataAccessException e) {
            System.out.println("Transferring 100 points is refused as a whole (" + e.sqlStateClass() + "): loser keeps "
                    + ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(loser)) + ", winner keeps "
                    + ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(winner)) + ".");
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
