package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.PLAYER;
import static dev.occ.test.db.Tables.TEAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.occ.test.db.tables.records.PlayerRecord;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The feature request's points transfer: two optimistic updates in one transaction. */
class TransactionTest {

    @RegisterExtension
    static final LockingDatabase DATABASE = LockingDatabase.migrated();
    static final DSLContext ctx = DATABASE.ctx();

    private static PlayerRecord player(String name, int points) {
        Integer team = ctx.insertInto(TEAM, TEAM.NAME).values(name + "-team").returning(TEAM.ID).fetchOne().getId();
        return ctx.insertInto(PLAYER, PLAYER.TEAM_ID, PLAYER.NAME, PLAYER.NUM_POINTS).values(team, name, points)
                .returning().fetchOne();
    }

    /** Moves {@code scored} points from loser to winner, each locked on the updated_at the caller read. */
    static int transfer(Configuration cfg, PlayerRecord loser, PlayerRecord winner, int scored) {
        LockingDSLContext db = Occ.using(cfg);
        db.update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.minus(scored)).where(PLAYER.ID.eq(loser.getId()))
                .lockingPolicy(optimistic(PLAYER.UPDATED_AT, loser.getUpdatedAt())).execute();
        db.update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(scored)).where(PLAYER.ID.eq(winner.getId()))
                .lockingPolicy(optimistic(PLAYER.UPDATED_AT, winner.getUpdatedAt())).execute();
        return scored;
    }

    /** Another transaction writes the player: new points, and a new updated_at, as any writer must. */
    private static void moveOn(PlayerRecord p, int points) {
        ctx.update(PLAYER).set(PLAYER.NUM_POINTS, points)
                .set(PLAYER.UPDATED_AT, PLAYER.UPDATED_AT.plus(org.jooq.types.DayToSecond.valueOf(1.0)))
                .where(PLAYER.ID.eq(p.getId())).execute();
    }

    private int points(PlayerRecord p) {
        return ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(p.getId()));
    }

    @Test
    void bothUpdatesCommitTogether() {
        PlayerRecord loser = player("l1", 10), winner = player("w1", 10);
        int moved = ctx.transactionResult(cfg -> transfer(cfg, loser, winner, 2));
        assertEquals(2, moved);
        assertEquals(8, points(loser));
        assertEquals(12, points(winner));
    }

    @Test
    void aConflictOnTheSecondUpdateRollsBackTheFirstAndReachesTheCallerUnwrapped() {
        PlayerRecord loser = player("l2", 10), winner = player("w2", 10);
        moveOn(winner, 50);

        ConflictException e = assertThrows(ConflictException.class,
                () -> ctx.transactionResult(cfg -> transfer(cfg, loser, winner, 2)));

        assertEquals(PLAYER, e.table());
        assertEquals(10, points(loser), "the loser's decrement was rolled back with the block");
        assertEquals(50, points(winner));
    }

    @Test
    void aConflictInANestedTransactionRollsBackToItsSavepointOnly() {
        PlayerRecord a = player("n1", 10), stale = player("n2", 10);
        moveOn(stale, 11);

        ConflictException seen = ctx.transactionResult(outer -> {
            Occ.using(outer).update(PLAYER).set(PLAYER.NUM_POINTS, 5).where(PLAYER.ID.eq(a.getId()))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, a.getUpdatedAt())).execute();
            try {
                outer.dsl().transaction(inner -> Occ.using(inner).update(PLAYER).set(PLAYER.NUM_POINTS, 0)
                        .where(PLAYER.ID.eq(stale.getId()))
                        .lockingPolicy(optimistic(PLAYER.UPDATED_AT, stale.getUpdatedAt())).execute());
                return null;
            } catch (ConflictException inner) {
                return inner;
            }
        });
        assertSame(ConflictException.class, seen.getClass());
        assertEquals(5, points(a), "the outer block committed");
        assertEquals(11, points(stale), "the inner block rolled back");
    }
}
