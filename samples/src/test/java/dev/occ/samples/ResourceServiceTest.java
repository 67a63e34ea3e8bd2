package dev.occ.samples;

import static dev.occ.samples.db.Tables.PLAYER;
import static dev.occ.samples.db.Tables.RESOURCE;
import static dev.occ.samples.db.Tables.TEAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.ConflictException;
import dev.occ.RetryPolicy;
import dev.occ.postgres.TestDatabaseExtension;
import dev.occ.samples.db.tables.records.ResourceRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's examples do what the README says, on PostgreSQL. */
class ResourceServiceTest {

    @RegisterExtension
    static final TestDatabaseExtension db = TestDatabaseExtension.migrated("resource_service");
    static DSLContext ctx;

    @BeforeAll
    static void database() {
        ctx = db.dsl();
    }

    @Test
    void theSecondOfTwoEditsFromTheSameVersionIsRefused() {
        ResourceService service = new ResourceService(ctx, RetryPolicy.defaults());
        ResourceRecord created = service.create("r", JSONB.valueOf("{}"));
        assertEquals(1, created.getVersion());

        ResourceRecord first = service.update(created.getId(), 1, "first", JSONB.valueOf("{\"a\": 1}"));
        assertEquals(2, first.getVersion(), "the next ETag");
        ConflictException e = assertThrows(ConflictException.class,
                () -> service.update(created.getId(), 1, "second", JSONB.valueOf("{}")));
        assertEquals(2, e.actualVersion());
        assertEquals("first", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(created.getId())));
    }

    @Test
    void aSavedRecordIsLockedOnTheVersionItWasReadWith() {
        ResourceService service = new ResourceService(ctx, RetryPolicy.defaults());
        int id = service.create("read", JSONB.valueOf("{}")).getId();
        ResourceRecord mine = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(id));
        ResourceRecord theirs = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(id));
        mine.setName("mine");
        service.save(mine);
        assertEquals(2, mine.getVersion(), "the record holds the stored version");
        theirs.setName("theirs");
        ConflictException e = assertThrows(ConflictException.class, () -> service.save(theirs));
        assertEquals(1, e.expectedVersion());
        assertEquals(2, e.actualVersion());
        assertEquals("mine", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(id)));
    }

    @Test
    void everyRowOfANameIsRenamedOrNone() {
        ResourceService service = new ResourceService(ctx, RetryPolicy.defaults());
        int a = service.create("batch", JSONB.valueOf("{}")).getId();
        int b = service.create("batch", JSONB.valueOf("{}")).getId();
        assertEquals(2, service.renameEvery("batch", "renamed", 1));
        service.update(a, 2, "renamed", JSONB.valueOf("{\"moved\": true}"));
        ConflictException e = assertThrows(ConflictException.class, () -> service.renameEvery("renamed", "again", 2));
        assertEquals(List.of(new ConflictException.Row("id = " + a, 2, 3)), e.rows());
        assertEquals(0, ctx.fetchCount(RESOURCE, RESOURCE.NAME.eq("again")), "none renamed");
        assertEquals(2, ctx.fetchValue(RESOURCE.VERSION, RESOURCE.ID.eq(b)));
    }

    @Test
    void aTransferMovesPointsAndIsRetriedAfterAConflict() {
        Integer team = ctx.insertInto(TEAM, TEAM.NAME).values("t").returning(TEAM.ID).fetchOne().getId();
        Integer loser = ctx.insertInto(PLAYER, PLAYER.TEAM_ID, PLAYER.NAME, PLAYER.NUM_POINTS).values(team, "l", 10)
                .returning(PLAYER.ID).fetchOne().getId();
        Integer winner = ctx.insertInto(PLAYER, PLAYER.TEAM_ID, PLAYER.NAME, PLAYER.NUM_POINTS).values(team, "w", 10)
                .returning(PLAYER.ID).fetchOne().getId();
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger sneaks = new AtomicInteger();
        // Another writer touches the winner once, between the unit's read and its write: the first
        // attempt conflicts and the unit runs again, reads included.
        DSLContext racing = ctx.configuration().derive(new org.jooq.ExecuteListener() {
            @Override
            public void executeStart(org.jooq.ExecuteContext c) {
                if (c.sql() != null && c.sql().startsWith("update") && c.sql().contains("+") && sneaks.getAndIncrement() == 0) {
                    DSL.using(db.dataSource(), SQLDialect.POSTGRES).update(PLAYER)
                            .set(PLAYER.UPDATED_AT, DSL.currentOffsetDateTime()).where(PLAYER.ID.eq(winner)).execute();
                }
            }
        }).dsl();
        ResourceService service = new ResourceService(racing, RetryPolicy.builder()
                .withBackoff(Duration.ZERO, Duration.ZERO).onRetry(r -> retries.incrementAndGet()).build());

        assertEquals(12, service.transferPoints(loser, winner, 2));
        assertEquals(1, retries.get(), "one conflict, one retry");
        assertEquals(8, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(loser)));

        DataAccessException refused = assertThrows(DataAccessException.class, () -> service.transferPoints(loser, winner, 100));
        assertTrue(refused.getMessage().contains("player_points_not_negative"), refused.getMessage());
        assertEquals(8, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(loser)), "refused as a whole");
        assertEquals(12, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(winner)));
    }
}
