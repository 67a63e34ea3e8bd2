package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.PLAYER;
import static dev.occ.test.db.Tables.TEAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.PlayerRecord;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#11] A timestamp version that a BEFORE UPDATE trigger overwrites with the transaction's start
 * time does not move on within one transaction; where occ reads the stored version back, that is an
 * error naming the column and the trigger's likely cause, never a silent success.
 */
class TriggerVersionTest {

    @RegisterExtension
    static final LockingDatabase DATABASE = LockingDatabase.migrated();
    static final DSLContext ctx = DATABASE.ctx();

    @Test
    void aVersionThatDidNotMoveOnIsAnError() {
        ctx.execute("create function set_now() returns trigger language plpgsql as $$ "
                + "begin new.updated_at := now(); return new; end $$");
        ctx.execute("create trigger player_touch before update on player for each row execute function set_now()");
        int team = ctx.insertInto(TEAM, TEAM.NAME).values("trigger").returning(TEAM.ID).fetchOne().getId();
        int id = ctx.insertInto(PLAYER, PLAYER.TEAM_ID, PLAYER.NAME, PLAYER.NUM_POINTS).values(team, "p", 10)
                .returning(PLAYER.ID).fetchOne().getId();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ctx.transaction(cfg -> {
            LockingDSLContext db = Occ.using(cfg);
            PlayerRecord read = cfg.dsl().fetchOne(PLAYER, PLAYER.ID.eq(id));
            db.update(PLAYER).set(PLAYER.NUM_POINTS, 11).where(PLAYER.ID.eq(id)).lockingPolicy(optimistic(read)).execute();
            PlayerRecord again = cfg.dsl().fetchOne(PLAYER, PLAYER.ID.eq(id));
            // the trigger sets the transaction's start time again: the version stays where it was
            db.update(PLAYER).set(PLAYER.NUM_POINTS, 12).where(PLAYER.ID.eq(id)).lockingPolicy(optimistic(again)).execute();
        }));
        assertTrue(e.getMessage().startsWith("version column public.player.updated_at reads back as "), e.getMessage());
        assertTrue(e.getMessage().contains("BEFORE UPDATE trigger") && e.getMessage().contains("clock_timestamp()"),
                e.getMessage());
        assertEquals(10, ctx.fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(id)), "the transaction rolled back");
        ctx.execute("drop trigger player_touch on player");
    }
}
