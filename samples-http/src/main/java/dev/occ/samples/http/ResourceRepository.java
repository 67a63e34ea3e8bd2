package dev.occ.samples.http;

import static dev.occ.Occ.compareAndSet;
import static dev.occ.Occ.optimistic;
import static dev.occ.samples.db.Tables.PLAYER;
import static dev.occ.samples.db.Tables.RESOURCE;

import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import dev.occ.RetryPolicy;
import dev.occ.samples.ResourceService;
import dev.occ.samples.db.tables.records.PlayerRecord;
import dev.occ.samples.db.tables.records.ResourceRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.springframework.stereotype.Repository;

/**
 * The resources and players, read and written with occ on Spring Boot's {@link DSLContext}. Every
 * write of an existing row names the version it expects; a row that moved on or is gone throws occ's
 * {@code ConflictException}, which {@link ConflictAdvice} maps to HTTP.
 *
 * <p>A failed locked update, on occ's direct path or not, arrives as the Spring
 * {@code DataAccessException} that Spring Boot's jOOQ exception translator makes of it (see
 * {@link DatabaseConfiguration}).
 */
@Repository
public class ResourceRepository {

    private final DSLContext ctx;
    private final RetryPolicy retry;
    /** The samples' create and update, the README's examples, on Spring Boot's context. */
    private final ResourceService samples;

    /**
     * @param ctx Spring Boot's jOOQ context
     * @param retry the policy of the points transfer
     */
    public ResourceRepository(DSLContext ctx, RetryPolicy retry) {
        this.ctx = ctx;
        this.retry = retry;
        this.samples = new ResourceService(ctx, retry);
    }

    /**
     * Creates a resource at version 1, the column's default; an insert needs no lock.
     *
     * @param name the name
     * @param data the JSON document
     * @return the stored row
     */
    public ResourceRecord create(String name, JSONB data) {
        return samples.create(name, data);
    }

    /**
     * Replaces name and data if the row is still at version {@code expected}, in one statement
     * ({@link ResourceService#update}).
     *
     * @param id the resource
     * @param expected the version the client read
     * @param name the new name
     * @param data the new document
     * @return the row as stored, whose version is the next ETag
     * @throws dev.occ.ConflictException when the row is gone or at another version
     */
    public ResourceRecord replace(int id, int expected, String name, JSONB data) {
        return samples.update(id, expected, name, data);
    }

    /**
     * @param id the resource
     * @return the resource, or empty when there is none
     */
    public Optional<ResourceRecord> find(int id) {
        return ctx.fetchOptional(RESOURCE, RESOURCE.ID.eq(id));
    }

    /** @return every resource, by id */
    public List<ResourceRecord> list() {
        return ctx.selectFrom(RESOURCE).orderBy(RESOURCE.ID).fetch();
    }

    /**
     * Writes some columns if the row is still at version {@code expected}, in one statement:
     * {@code UPDATE resource SET ..., version = version + 1 WHERE id = ? AND version = ? RETURNING *}.
     *
     * @param id the resource
     * @param expected the version the client read
     * @param changes the columns to write, {@code RESOURCE.NAME} and/or {@code RESOURCE.DATA}; not empty
     * @return the row as stored, whose version is the next ETag
     * @throws dev.occ.ConflictException when the row is gone or at another version
     */
    public ResourceRecord patch(int id, int expected, Map<Field<?>, Object> changes) {
        return Occ.using(ctx).update(RESOURCE)
                .set(changes)
                .where(RESOURCE.ID.eq(id))
                .lockingPolicy(optimistic(RESOURCE.VERSION, expected))
                .returning()
                .fetchOne();
    }

    /**
     * Deletes the row if it is still at version {@code expected}.
     *
     * @param id the resource
     * @param expected the version the client read
     * @throws dev.occ.ConflictException when the row is gone or at another version
     */
    public void delete(int id, int expected) {
        Occ.using(ctx).delete(RESOURCE)
                .where(RESOURCE.ID.eq(id))
                .lockingPolicy(optimistic(RESOURCE.VERSION, expected))
                .execute();
    }

    /** The balances after a transfer. */
    public record Balances(int from, int to) {
    }

    /**
     * The feature request's points transfer: both players are read and written in one transaction;
     * after a conflict the whole unit runs again, reads included. Each player is locked on the balance
     * it was read with (the request's "Proposition 2", {@code compareAndSet}): the transfer writes a
     * balance only if nobody moved points meanwhile. Each update sets a plain value, compares plain
     * integers and runs without {@code returning}: the shape occ's direct path executes. (Locking on
     * {@code updated_at} instead works the same, but a timestamp version's check carries a cast, so
     * such an update runs through jOOQ.)
     *
     * @param fromId the player who loses points
     * @param toId the player who wins them
     * @param points how many points move
     * @return both balances afterwards
     * @throws dev.occ.ConflictException when the retries run out
     * @throws org.springframework.dao.DataIntegrityViolationException when the loser has fewer points
     *     than {@code points} (the check {@code num_points >= 0})
     * @throws PlayerNotFoundException when either player does not exist
     */
    public Balances transfer(int fromId, int toId, int points) {
        return retry.transactionResult(ctx, cfg -> {
            PlayerRecord from = cfg.dsl().fetchOptional(PLAYER, PLAYER.ID.eq(fromId))
                    .orElseThrow(() -> new PlayerNotFoundException(fromId));
            PlayerRecord to = cfg.dsl().fetchOptional(PLAYER, PLAYER.ID.eq(toId))
                    .orElseThrow(() -> new PlayerNotFoundException(toId));
            LockingDSLContext db = Occ.using(cfg);
            int fromBalance = from.getNumPoints() - points;
            int toBalance = to.getNumPoints() + points;
            db.update(PLAYER).set(PLAYER.NUM_POINTS, fromBalance).where(PLAYER.ID.eq(fromId))
                    .lockingPolicy(compareAndSet(PLAYER.NUM_POINTS, from.getNumPoints())).execute();
            db.update(PLAYER).set(PLAYER.NUM_POINTS, toBalance).where(PLAYER.ID.eq(toId))
                    .lockingPolicy(compareAndSet(PLAYER.NUM_POINTS, to.getNumPoints())).execute();
            return new Balances(fromBalance, toBalance);
        });
    }

    /** A transfer names a player that does not exist (HTTP 404). */
    public static final class PlayerNotFoundException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /** @param id the player's id */
        public PlayerNotFoundException(int id) {
            super("Player " + id + " does not exist.");
        }
    }
}
