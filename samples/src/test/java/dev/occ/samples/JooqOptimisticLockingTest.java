package dev.occ.samples;

import static dev.occ.samples.db.Tables.DOCUMENT;
import static dev.occ.samples.db.Tables.PLAYER;
import static dev.occ.samples.db.Tables.RESOURCE;
import static dev.occ.samples.db.Tables.TEAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.occ.postgres.TestDatabaseExtension;
import dev.occ.samples.db.tables.records.DocumentRecord;
import dev.occ.samples.db.tables.records.PlayerRecord;
import dev.occ.samples.db.tables.records.ResourceRecord;
import dev.occ.samples.db.tables.records.TeamRecord;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataChangedException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * occ's generated classes keep jOOQ's own optimistic locking working: with
 * {@code Settings.withExecuteWithOptimisticLocking(true)}, {@code UpdatableRecord.store()} moves the
 * version on, and a stale record's {@code store()} throws {@link DataChangedException}, against a
 * real PostgreSQL.
 */
class JooqOptimisticLockingTest {

    @RegisterExtension
    static final TestDatabaseExtension DATABASE = TestDatabaseExtension.migrated("jooq_optimistic_locking");
    static DSLContext ctx;

    @BeforeAll
    static void database() {
        ctx = DSL.using(DATABASE.dataSource(), SQLDialect.POSTGRES, new Settings().withExecuteWithOptimisticLocking(true));
    }

    @Test
    void resourceCounter() {
        ResourceRecord created = ctx.newRecord(RESOURCE);
        created.setName("first");
        created.setData(JSONB.valueOf("{}"));
        created.store();
        assertEquals(1, created.getVersion());

        ResourceRecord mine = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(created.getId()));
        ResourceRecord theirs = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(created.getId()));

        theirs.setName("theirs");
        assertEquals(1, theirs.store());
        assertEquals(2, theirs.getVersion());
        assertEquals(2, theirs.version());

        mine.setName("mine");
        assertThrows(DataChangedException.class, mine::store);
        ResourceRecord stored = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(created.getId()));
        assertEquals("theirs", stored.getName());
        assertEquals(2, stored.getVersion());
    }

    @Test
    void staleDeleteIsRefusedToo() {
        ResourceRecord created = ctx.newRecord(RESOURCE);
        created.setName("doomed");
        created.setData(JSONB.valueOf("{}"));
        created.store();
        ResourceRecord stale = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(created.getId()));
        created.setName("moved on");
        created.store();

        assertThrows(DataChangedException.class, stale::delete);
        assertEquals(1, ctx.fetchCount(RESOURCE, RESOURCE.ID.eq(created.getId())));
    }

    @Test
    void documentBigintCounter() {
        DocumentRecord created = ctx.newRecord(DOCUMENT);
        created.setTitle("draft");
        created.store();
        DocumentRecord mine = ctx.fetchOne(DOCUMENT, DOCUMENT.ID.eq(created.getId()));
        DocumentRecord theirs = ctx.fetchOne(DOCUMENT, DOCUMENT.ID.eq(created.getId()));

        theirs.setBody("theirs");
        theirs.store();
        assertEquals(created.getVersion() + 1, theirs.getVersion());

        mine.setBody("mine");
        assertThrows(DataChangedException.class, mine::store);
    }

    @Test
    void playerTimestamp() {
        TeamRecord team = ctx.newRecord(TEAM);
        team.setName("blue");
        team.store();
        PlayerRecord created = ctx.newRecord(PLAYER);
        created.setTeamId(team.getId());
        created.setName("ada");
        created.store();

        PlayerRecord mine = ctx.fetchOne(PLAYER, PLAYER.ID.eq(created.getId()));
        PlayerRecord theirs = ctx.fetchOne(PLAYER, PLAYER.ID.eq(created.getId()));
        OffsetDateTime read = theirs.getUpdatedAt();

        theirs.setNumPoints(10);
        theirs.store();
        assertNotEquals(read, theirs.getUpdatedAt());

        mine.setNumPoints(20);
        assertThrows(DataChangedException.class, mine::store);
        assertEquals(10, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(created.getId())));
    }
}
