package dev.occ;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.PLAYER;
import static dev.occ.test.db.Tables.TEAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.test.db.tables.records.PlayerRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The feature request's points game, for the race tests: players holding points, and a transfer of
 * points from a loser to a winner as one unit of work (read both players, then two optimistic
 * updates locked on {@code updated_at}).
 */
final class PointsGame {

    /** One transfer; {@code id} is unique within a test run. */
    record Transfer(long id, int from, int to, int points) {
    }

    /** A test-only table that a transfer unit may write its transfer into, to learn afterwards what committed. */
    static final Table<Record> LOG = DSL.table(DSL.name("transfer_log"));
    static final Field<Long> LOG_ID = DSL.field(DSL.name("id"), SQLDataType.BIGINT.notNull());
    static final Field<Integer> LOG_FROM = DSL.field(DSL.name("from_id"), SQLDataType.INTEGER.notNull());
    static final Field<Integer> LOG_TO = DSL.field(DSL.name("to_id"), SQLDataType.INTEGER.notNull());
    static final Field<Integer> LOG_POINTS = DSL.field(DSL.name("points"), SQLDataType.INTEGER.notNull());

    private static final AtomicInteger GAMES = new AtomicInteger();

    final List<Integer> players;
    final Map<Integer, Integer> initial;
    final int total;

    private PointsGame(List<Integer> players, Map<Integer, Integer> initial) {
        this.players = List.copyOf(players);
        this.initial = Map.copyOf(initial);
        this.total = initial.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A new team of {@code count} players holding {@code points} each. */
    static PointsGame create(DSLContext ctx, int count, int points) {
        String name = "game-" + GAMES.incrementAndGet() + "-" + System.nanoTime();
        Integer team = ctx.insertInto(TEAM, TEAM.NAME).values(name).returning(TEAM.ID).fetchOne().getId();
        var insert = ctx.insertInto(PLAYER, PLAYER.TEAM_ID, PLAYER.NAME, PLAYER.NUM_POINTS);
        for (int i = 0; i < count; i++) {
            insert = insert.values(team, name + "-p" + i, points);
        }
        List<Integer> ids = insert.returning(PLAYER.ID).fetch(PLAYER.ID);
        Map<Integer, Integer> initial = new TreeMap<>();
        ids.forEach(id -> initial.put(id, points));
        return new PointsGame(ids, initial);
    }

    /** A transfer of 1 to {@code maxPoints} points between two different random players. */
    Transfer randomTransfer(long id, Random random, int maxPoints) {
        int from = players.get(random.nextInt(players.size()));
        int to;
        do {
            to = players.get(random.nextInt(players.size()));
        } while (to == from);
        return new Transfer(id, from, to, 1 + random.nextInt(maxPoints));
    }

    /**
     * The unit of work: reads both players, then moves the points with two optimistic updates on
     * {@code updated_at}, each writing the balance computed from what was read. The updates go in the
     * order of the player ids, so that two transfers in opposite directions cannot deadlock. A
     * transfer that would take the loser below zero fails on the check constraint (SQLSTATE 23514)
     * and rolls back whole, also when the winner was credited first.
     */
    static void transfer(Configuration cfg, Transfer t) {
        Map<Integer, PlayerRecord> read = cfg.dsl().selectFrom(PLAYER).where(PLAYER.ID.in(t.from(), t.to()))
                .fetchMap(PLAYER.ID);
        LockingDSLContext db = Occ.using(cfg);
        for (int id : t.from() < t.to() ? List.of(t.from(), t.to()) : List.of(t.to(), t.from())) {
            PlayerRecord player = read.get(id);
            int delta = id == t.from() ? -t.points() : t.points();
            db.update(PLAYER)
                    .set(PLAYER.NUM_POINTS, player.getNumPoints() + delta)
                    .where(PLAYER.ID.eq(id))
                    .lockingPolicy(optimistic(PLAYER.UPDATED_AT, player.getUpdatedAt()))
                    .execute();
        }
    }

    /** Whether the database refused a transfer because the loser holds too few points. */
    static boolean isRefusal(Throwable e) {
        return e instanceof DataAccessException d && "23514".equals(d.sqlState());
    }

    /** Creates the test-only transfer log table. */
    static void createLog(DSLContext ctx) {
        ctx.createTableIfNotExists(LOG).columns(LOG_ID, LOG_FROM, LOG_TO, LOG_POINTS)
                .constraints(DSL.primaryKey(LOG_ID)).execute();
    }

    /** Writes {@code t} into the transfer log, in the unit's transaction. */
    static void log(Configuration cfg, Transfer t) {
        cfg.dsl().insertInto(LOG, LOG_ID, LOG_FROM, LOG_TO, LOG_POINTS).values(t.id(), t.from(), t.to(), t.points())
                .execute();
    }

    /** The transfers whose transactions committed, read back from the log. */
    static Map<Long, Transfer> logged(DSLContext ctx) {
        Map<Long, Transfer> logged = new TreeMap<>();
        ctx.select(LOG_ID, LOG_FROM, LOG_TO, LOG_POINTS).from(LOG).fetch()
                .forEach(r -> logged.put(r.value1(), new Transfer(r.value1(), r.value2(), r.value3(), r.value4())));
        return logged;
    }

    /** Each player's balance after the given transfers, computed from the initial balances. */
    Map<Integer, Integer> expectedBalances(Collection<Transfer> applied) {
        Map<Integer, Integer> balances = new TreeMap<>(initial);
        for (Transfer t : applied) {
            balances.merge(t.from(), -t.points(), Integer::sum);
            balances.merge(t.to(), t.points(), Integer::sum);
        }
        return balances;
    }

    /** Each player's balance in the database. */
    Map<Integer, Integer> balances(DSLContext ctx) {
        return new TreeMap<>(ctx.select(PLAYER.ID, PLAYER.NUM_POINTS).from(PLAYER).where(PLAYER.ID.in(players))
                .fetchMap(PLAYER.ID, PLAYER.NUM_POINTS));
    }

    /** The sum of all points, in one statement. */
    int sum(DSLContext ctx) {
        return ctx.select(DSL.sum(PLAYER.NUM_POINTS)).from(PLAYER).where(PLAYER.ID.in(players)).fetchOne().value1()
                .intValue();
    }

    /**
     * Asserts that the total is unchanged, that no balance is negative, and that each balance is the
     * initial one plus exactly the {@code applied} transfers: a transfer half applied, lost or applied
     * twice shows as a player whose balance differs.
     */
    void assertBalances(DSLContext ctx, Collection<Transfer> applied, String what) {
        Map<Integer, Integer> actual = balances(ctx);
        int sum = actual.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(total, sum, what + ": the total number of points changed; balances " + actual);
        actual.forEach((id, points) -> assertTrue(points >= 0, what + ": player " + id + " has " + points + " points"));
        assertEquals(expectedBalances(applied), actual, what + ": balances (by player id) differ from the initial "
                + initial + " plus the " + applied.size() + " transfers that committed");
    }

    /**
     * Sums the points again and again, in one statement each (one snapshot), until stopped, and
     * counts the sums that differ from the total.
     */
    final class Watcher {
        private final AtomicBoolean stop = new AtomicBoolean();
        int samples;
        final List<Integer> wrongSums = new ArrayList<>();

        /** Runs on the calling thread until {@link #stop()}; returns this watcher. */
        Watcher watch(DSLContext ctx) {
            return watch(ctx, Long.MAX_VALUE);
        }

        /** Runs on the calling thread until {@link #stop()} or {@code System.nanoTime()} passes the deadline. */
        Watcher watch(DSLContext ctx, long deadlineNanos) {
            while (!stop.get() && System.nanoTime() - deadlineNanos < 0) {
                int sum = sum(ctx);
                samples++;
                if (sum != total) {
                    wrongSums.add(sum);
                }
            }
            return this;
        }

        void stop() {
            stop.set(true);
        }
    }
}
