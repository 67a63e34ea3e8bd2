package dev.occ;

import dev.occ.internal.EveryRowPolicy;
import dev.occ.internal.LockingDSLContextImpl;
import dev.occ.internal.Names;
import dev.occ.internal.OptimisticPolicy;
import dev.occ.internal.OriginalVersionPolicy;
import dev.occ.internal.PessimisticLock;
import java.util.Objects;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.impl.DSL;

/**
 * occ's static entry point: locked statements over a jOOQ context, and the locking policies.
 * Import the policies statically, as jOOQ users import {@code DSL.*}:
 *
 * <pre>
 * import static dev.occ.Occ.optimistic;
 *
 * Occ.using(ctx)
 *    .update(RESOURCE)
 *    .set(RESOURCE.NAME, "renamed")
 *    .where(RESOURCE.ID.eq(id))
 *    .lockingPolicy(optimistic(RESOURCE.VERSION, expectedVersion))
 *    .execute();
 * // update "public"."resource" set "name" = ?, "version" = ("public"."resource"."version" + 1)
 * //   where ("public"."resource"."id" = ? and "public"."resource"."version" = ?)
 * </pre>
 */
public final class Occ {

    /**
     * The key of a jOOQ {@link Configuration#data(Object, Object) configuration data} entry that
     * steers occ's direct execution of simple locked updates (rendered once per statement shape, then
     * only bound and executed on the connection jOOQ would use).
     * <ul>
     * <li>absent (the default): direct only where it bypasses nothing configured — no
     *     {@code ExecuteListener} but those that override only {@code exception(ctx)} (such as
     *     Spring Boot's exception translator, which still sees and translates every failure), no
     *     {@code VisitListener}, jOOQ not logging at DEBUG, default execution settings; otherwise
     *     through jOOQ;</li>
     * <li>{@code true}: direct even with other execute listeners, which then do not see occ's
     *     locked updates;</li>
     * <li>{@code false}: always through jOOQ's rendering and execution.</li>
     * </ul>
     * <pre>
     * ctx.configuration().data(Occ.DIRECT_EXECUTION, false);
     * </pre>
     */
    public static final String DIRECT_EXECUTION = "dev.occ.directExecution";

    private Occ() {
    }

    /**
     * Locked statements on a jOOQ context: its connection, transaction, settings and execute
     * listeners apply to them.
     *
     * @param ctx the jOOQ context
     * @return the locking context
     * @throws NullPointerException when {@code ctx} is {@code null}
     */
    public static LockingDSLContext using(DSLContext ctx) {
        return new LockingDSLContextImpl(ctx);
    }

    /**
     * Locked statements on a jOOQ configuration, such as the one jOOQ passes to a
     * {@code transactionResult(cfg -> ...)} block.
     *
     * @param configuration the jOOQ configuration
     * @return the locking context
     * @throws NullPointerException when {@code configuration} is {@code null}
     */
    public static LockingDSLContext using(Configuration configuration) {
        return using(DSL.using(Objects.requireNonNull(configuration, "configuration cannot be null")));
    }

    /**
     * Optimistic locking on a version column: the statement writes only if the column still holds
     * {@code expectedVersion}, and moves the version on in the same statement.
     * <ul>
     * <li>A counter ({@code int}, {@code bigint}, {@code smallint}):
     *     {@code SET v = v + 1 ... WHERE ... AND v = :expected}.</li>
     * <li>A timestamp ({@code timestamptz} as {@code OffsetDateTime}, {@code timestamp} as
     *     {@code LocalDateTime}): {@code SET ts = greatest(current_timestamp, ts + 1 microsecond) ...
     *     WHERE ... AND ts = :expected}, so the new value always differs from the old one.</li>
     * </ul>
     *
     * @param <R> the record type of the column's table
     * @param <V> the column type
     * @param versionField the version column
     * @param expectedVersion the version read with the row
     * @return the policy
     * @throws NullPointerException when an argument is {@code null}
     * @throws IllegalArgumentException when the column is nullable, is neither a counter nor a
     *     timestamp, or the expected timestamp has a precision finer than PostgreSQL's microseconds
     */
    public static <R extends Record, V> LockingPolicy<R> optimistic(TableField<R, V> versionField, V expectedVersion) {
        return OptimisticPolicy.version(versionField, expectedVersion, null);
    }

    /**
     * Optimistic locking on a version column whose expected value the statement itself carries: the
     * original version of the record given to {@code set(record)} (the version it was read with,
     * {@link Record#original(org.jooq.Field)}). The record, when it is a generated
     * {@link VersionedRecord} of the table, holds the stored version afterwards.
     *
     * <pre>
     * ResourceRecord r = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(id));
     * r.setName("renamed");
     * db.update(RESOURCE).set(r).where(RESOURCE.ID.eq(r.getId()))
     *   .lockingPolicy(optimistic(RESOURCE.VERSION)).execute();
     * </pre>
     *
     * Where the statement has no such record, applying the policy fails, saying where the expected
     * version can come from.
     *
     * @param <R> the record type of the column's table
     * @param versionField the version column
     * @return the policy
     * @throws NullPointerException when {@code versionField} is {@code null}
     */
    public static <R extends Record> LockingPolicy<R> optimistic(TableField<R, ?> versionField) {
        return OriginalVersionPolicy.of(versionField);
    }

    /**
     * Optimistic locking by a generated record's version: the version column and the expected value
     * come from the record, and after a successful statement the record holds the version the
     * database stored. Records of tables without a version column do not implement
     * {@link VersionedRecord}, so this does not compile for them.
     *
     * <pre>
     * ResourceRecord r = ctx.fetchOne(RESOURCE, RESOURCE.ID.eq(id));
     * db.update(RESOURCE).set(RESOURCE.NAME, "renamed").where(RESOURCE.ID.eq(r.getId()))
     *   .lockingPolicy(optimistic(r)).execute();
     * r.getVersion(); // the new version
     * </pre>
     *
     * @param <R> the record type
     * @param <V> the version column type
     * @param record a record read from the database
     * @return the policy
     * @throws NullPointerException when {@code record} is {@code null}
     * @throws IllegalArgumentException when the record holds no version value
     */
    public static <R extends Record, V> LockingPolicy<R> optimistic(VersionedRecord<R, V> record) {
        Objects.requireNonNull(record, "record cannot be null");
        V version = record.version();
        if (version == null) {
            throw new IllegalArgumentException("record holds no value for version column "
                    + Names.column(record.versionField())
                    + "; read the row from the database (or store it) before locking on it");
        }
        return OptimisticPolicy.version(record.versionField(), version, record);
    }

    /**
     * Several rows on purpose, all of them or none: the statement writes every row its where clause
     * names only if each of them still has the policy's expected version (or value), and otherwise
     * writes nothing and throws a {@link ConflictException} whose {@link ConflictException#rows()}
     * name each row that differs, with its key and version. It is never the default: a policy on its
     * own names one row by its primary key.
     *
     * <pre>
     * // every draft, if each of them is still at its first version
     * int written = db.update(DOCUMENT).set(DOCUMENT.BODY, "")
     *     .where(DOCUMENT.TITLE.eq("draft"))
     *     .lockingPolicy(everyRow(optimistic(DOCUMENT.VERSION, 1L)))
     *     .execute();                            // the number of rows written
     * </pre>
     *
     * The check locks the named rows ({@code SELECT ... FOR UPDATE} in a sub-select of the same
     * statement), so a row that another transaction changes meanwhile is seen; rows inserted
     * meanwhile are not among them. Success costs one statement, a conflict one more.
     *
     * @param <R> the record type of the policy's table
     * @param policy {@code optimistic(VERSION, expected)} or {@code compareAndSet(COLUMN, expected)}
     * @return the policy
     * @throws NullPointerException when {@code policy} is {@code null}
     * @throws IllegalArgumentException when the policy names a record's row
     */
    public static <R extends Record> LockingPolicy<R> everyRow(LockingPolicy<R> policy) {
        return EveryRowPolicy.of(policy);
    }

    /**
     * A row lock taken in the statement itself: {@code FOR UPDATE} of the rows the where clause
     * names, waiting as long as it takes; {@code .noWait()}, {@code .skipLocked()},
     * {@code .waitAtMost(..)}, {@code .forNoKeyUpdate()}, {@code .forShare()} and
     * {@code .forKeyShare()} make the other variants. Only inside a transaction. See
     * {@link PessimisticPolicy}.
     *
     * <pre>
     * db.update(PLAYER).set(PLAYER.NUM_POINTS, PLAYER.NUM_POINTS.plus(2)).where(PLAYER.ID.eq(id))
     *   .lockingPolicy(pessimistic(PLAYER).noWait()).execute();
     * </pre>
     *
     * @param <R> the table's record type
     * @param table the table whose rows are locked
     * @return the policy
     * @throws NullPointerException when {@code table} is {@code null}
     * @throws IllegalArgumentException when the table has no primary key
     */
    public static <R extends Record> PessimisticPolicy<R> pessimistic(Table<R> table) {
        return PessimisticLock.of(table);
    }

    /**
     * Compare-and-set on any column: the statement writes only if the column still holds
     * {@code expectedValue}; no version is moved on. This is the feature request's "Proposition 2":
     *
     * <pre>
     * int read = player.getNumPoints();
     * db.update(PLAYER).set(PLAYER.NUM_POINTS, read - 2).where(PLAYER.ID.eq(id))
     *   .lockingPolicy(compareAndSet(PLAYER.NUM_POINTS, read)).execute();
     * </pre>
     *
     * Unlike a version, a value can change and change back between the read and the write (an
     * "ABA"); the statement then writes. Use a version column where that matters.
     *
     * @param <R> the record type of the column's table
     * @param <V> the column type
     * @param field the compared column
     * @param expectedValue the value read with the row
     * @return the policy
     * @throws NullPointerException when an argument is {@code null}
     */
    public static <R extends Record, V> LockingPolicy<R> compareAndSet(TableField<R, V> field, V expectedValue) {
        return OptimisticPolicy.compareAndSet(field, expectedValue);
    }

    /**
     * Locking that adapts to contention, for one table: optimistic while a key's updates
     * rarely conflict, a row lock ({@code FOR UPDATE}, taken by the unit's read) for the keys that
     * keep conflicting, and optimistic again when they cool down. Build it once and share it; see
     * {@link AdaptiveLocking}.
     *
     * <pre>
     * static final AdaptiveLocking&lt;PlayerRecord&gt; ADAPTIVE = Occ.adaptive(PLAYER).build();
     *
     * RETRY.transaction(ctx, cfg -&gt; {
     *     LockingDSLContext db = Occ.using(cfg);
     *     PlayerRecord p = db.fetchOne(PLAYER, PLAYER.ID.eq(id), ADAPTIVE);
     *     db.update(PLAYER).set(PLAYER.NUM_POINTS, p.getNumPoints() + 2).where(PLAYER.ID.eq(id))
     *       .lockingPolicy(ADAPTIVE.optimistic(PLAYER.UPDATED_AT, p.getUpdatedAt())).execute();
     * });
     * </pre>
     *
     * @param <R> the table's record type
     * @param table the table whose keys it tracks
     * @return a builder with the defaults: 2 conflicts of 32 attempts escalate a key, 1 s cool-down,
     *     1024 slots, no listener
     * @throws NullPointerException when {@code table} is {@code null}
     * @throws IllegalArgumentException when the table has no primary key
     */
    public static <R extends Record> AdaptiveLocking.Builder<R> adaptive(Table<R> table) {
        return new AdaptiveLocking.Builder<>(table);
    }
}
