package dev.occ.samples;

import static dev.occ.Occ.everyRow;
import static dev.occ.Occ.optimistic;
import static dev.occ.samples.db.Tables.PLAYER;
import static dev.occ.samples.db.Tables.RESOURCE;

import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import dev.occ.RetryPolicy;
import dev.occ.samples.db.tables.records.PlayerRecord;
import dev.occ.samples.db.tables.records.ResourceRecord;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * The examples the README shows, compiled and tested: the OCC guide's resource edited by many users,
 * and the feature request's points transfer between players.
 */
public final class ResourceService {

    private final DSLContext ctx;
    private final RetryPolicy retry;

    /**
     * @param ctx the jOOQ context to run on
     * @param retry the policy that re-runs a transfer after a conflict
     */
    public ResourceService(DSLContext ctx, RetryPolicy retry) {
        this.ctx = ctx;
        this.retry = retry;
    }

    /**
     * Creates a resource; a new row needs no lock and starts at version 1.
     *
     * @param name the name
     * @param data the JSON document
     * @return the stored row, with its version
     */
    public ResourceRecord create(String name, JSONB data) {
        return ctx.insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values(name, data).returning().fetchOne();
    }

    /**
     * Saves a user's edit of a resource, if nobody changed it since the user read version
     * {@code ifMatch} (an HTTP layer takes it from the {@code If-Match} header).
     *
     * @param id the resource
     * @param ifMatch the version the user read
     * @param name the new name
     * @param data the new document
     * @return the row as stored, whose version is the next ETag
     * @throws dev.occ.ConflictException when the row is gone or its version moved on (HTTP 404 / 409)
     */
    public ResourceRecord update(int id, int ifMatch, String name, JSONB data) {
        LockingDSLContext db = Occ.using(ctx);
        return db.update(RESOURCE)
                .set(RESOURCE.NAME, name)
                .set(RESOURCE.DATA, data)
                .where(RESOURCE.ID.eq(id))
                .lockingPolicy(optimistic(RESOURCE.VERSION, ifMatch))
                .returning()
                .fetchOne();
    }

    /**
     * Saves a record the user read and edited: the expected version is the one it was read with,
     * and afterwards the record holds the version the database stored.
     *
     * @param edited a record read from the database, with the user's changes set on it
     * @throws dev.occ.ConflictException when the row is gone or its version moved on
     */
    public void save(ResourceRecord edited) {
        Occ.using(ctx).update(RESOURCE)
           .set(edited)                                      // the changed columns
           .where(RESOURCE.ID.eq(edited.getId()))            // one row, by its primary key
           .lockingPolicy(optimistic(RESOURCE.VERSION))      // the version edited was read with
           .execute();
    }

    /**
     * Renames every resource of a name at once, if each of them is still at {@code version}; otherwise
     * renames none and names each row that moved on.
     *
     * @param name the current name
     * @param newName the new name
     * @param version the version every such row was read at
     * @return how many rows were renamed
     * @throws dev.occ.ConflictException naming every row whose version differs ({@code rows()})
     */
    public int renameEvery(String name, String newName, int version) {
        return Occ.using(ctx).update(RESOURCE)
                  .set(RESOURCE.NAME, newName)
                  .where(RESOURCE.NAME.eq(name))                      // several rows, on purpose
                  .lockingPolicy(everyRow(optimistic(RESOURCE.VERSION, version)))
                  .execute();
    }

    /**
     * Moves points from the loser to the winner in one transaction, each player locked on the
     * {@code updated_at} read with it; after a conflict the whole unit runs again, reads included.
     *
     * @param loserId the player who loses points
     * @param winnerId the player who wins them
     * @param scored how many points move
     * @return the winner's new balance
     * @throws dev.occ.ConflictException when the retries run out
     * @throws org.jooq.exception.DataAccessException when the loser has fewer points than
     *     {@code scored} (the check {@code num_points >= 0} refuses the transfer as a whole)
     */
    public int transferPoints(int loserId, int winnerId, int scored) {
        return retry.transactionResult(ctx, cfg -> {
            PlayerRecord loser = cfg.dsl().fetchOne(PLAYER, PLAYER.ID.eq(loserId));
            PlayerRecord winner = cfg.dsl().fetchOne(PLAYER, PLAYER.ID.eq(winnerId));
            LockingDSLContext db = Occ.using(cfg);
            db.update(PLAYER)
              .set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.minus(scored))
              .where(PLAYER.ID.eq(loserId))
              .lockingPolicy(optimistic(loser))
              .execute();
            return db.update(PLAYER)
                     .set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(scored))
                     .where(PLAYER.ID.eq(winnerId))
                     .lockingPolicy(optimistic(winner))
                     .returning(PLAYER.NUM_POINTS)
                     .fetchOne()
                     .getNumPoints();
        });
    }
}
