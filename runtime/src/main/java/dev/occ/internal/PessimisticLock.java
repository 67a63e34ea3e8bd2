package dev.occ.internal;

import dev.occ.ConflictException;
import dev.occ.LockNotAvailableException;
import dev.occ.PessimisticPolicy;
import dev.occ.VersionKind;
import dev.occ.VersionedRecord;
import dev.occ.VersionedTable;
import dev.occ.internal.retry.EnclosingTransaction;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Select;
import org.jooq.SelectForStep;
import org.jooq.SelectForUpdateOfStep;
import org.jooq.SelectForUpdateStep;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * [occ#13] The pessimistic policies: a row lock taken in the statement itself. An update or delete
 * writes the rows its where clause names that the lock's sub-select could lock, in one statement:
 *
 * <pre>
 * update t set ... where &lt;where&gt; and (pk) in (select pk from t where &lt;where&gt; for update [nowait | skip locked])
 * </pre>
 *
 * A locked read is the sub-select itself, with all columns. Immutable; each variant is a new value.
 */
public final class PessimisticLock<R extends Record> extends Policy<R> implements PessimisticPolicy<R> {

    /** The lock strength, as PostgreSQL names it. */
    enum Strength {
        UPDATE("for update"), NO_KEY_UPDATE("for no key update"), SHARE("for share"), KEY_SHARE("for key share");

        final String sql;

        Strength(String sql) {
            this.sql = sql;
        }
    }

    /** What the lock does about a row another transaction holds. */
    enum Wait { WAIT, NOWAIT, SKIP_LOCKED, TIMEOUT }

    private final Table<R> table;
    private final List<TableField<R, ?>> key;
    private final Strength strength;
    private final Wait wait;
    private final @Nullable Duration timeout;

    private PessimisticLock(Table<R> table, List<TableField<R, ?>> key, Strength strength, Wait wait,
            @Nullable Duration timeout) {
        this.table = table;
        this.key = key;
        this.strength = strength;
        this.wait = wait;
        this.timeout = timeout;
    }

    /** See {@code Occ.pessimistic(table)}. */
    public static <R extends Record> PessimisticLock<R> of(Table<R> table) {
        Objects.requireNonNull(table, "table cannot be null");
        UniqueKey<R> pk = table.getPrimaryKey();
        if (pk == null) {
            throw new IllegalArgumentException("pessimistic(" + Names.table(table) + ") locks rows by their primary key, "
                    + "but " + Names.table(table) + " has none; add one (alter table " + Names.table(table)
                    + " add primary key (..)) and regenerate, or declare a synthetic primary key in jOOQ's code "
                    + "generator (<syntheticObjects><primaryKeys>)");
        }
        return new PessimisticLock<>(table, List.copyOf(pk.getFields()), Strength.UPDATE, Wait.WAIT, null);
    }

    private PessimisticLock<R> with(Strength s) {
        return new PessimisticLock<>(table, key, s, wait, timeout);
    }

    private PessimisticLock<R> with(Wait w, @Nullable Duration t) {
        return new PessimisticLock<>(table, key, strength, w, t);
    }

    @Override
    public PessimisticPolicy<R> forUpdate() {
        return with(Strength.UPDATE);
    }

    @Override
    public PessimisticPolicy<R> forNoKeyUpdate() {
        return with(Strength.NO_KEY_UPDATE);
    }

    @Override
    public PessimisticPolicy<R> forShare() {
        return with(Strength.SHARE);
    }

    @Override
    public PessimisticPolicy<R> forKeyShare() {
        return with(Strength.KEY_SHARE);
    }

    @Override
    public PessimisticPolicy<R> noWait() {
        return with(Wait.NOWAIT, null);
    }

    @Override
    public PessimisticPolicy<R> skipLocked() {
        return with(Wait.SKIP_LOCKED, null);
    }

    @Override
    public PessimisticPolicy<R> waitAtMost(Duration t) {
        Objects.requireNonNull(t, "timeout cannot be null");
        if (t.toMillis() < 1) {
            throw new IllegalArgumentException("timeout cannot be less than 1 ms, but is " + t
                    + "; use noWait() not to wait at all");
        }
        return with(Wait.TIMEOUT, t);
    }

    @Override
    public LockPlan<R> plan(Target<R> target) {
        checkTable(target.table());
        if (strength == Strength.SHARE || strength == Strength.KEY_SHARE) {
            throw new IllegalArgumentException(this + " is a lock for reads, but this " + target.verb() + " of "
                    + Names.table(table) + " writes: an update or delete locks FOR UPDATE or FOR NO KEY UPDATE; "
                    + "use pessimistic(" + table.getName().toUpperCase() + ") or .forNoKeyUpdate(), or read with "
                    + "fetchLocked(..)");
        }
        return new Plan(target.condition());
    }

    private void checkTable(Table<?> target) {
        if (!target.equals(table)) {
            throw new IllegalArgumentException(this + " locks rows of " + Names.table(table) + ", but the statement is on "
                    + Names.table(target) + "; lock rows of " + Names.table(target));
        }
    }

    /** {@code select <fields> from t where <where> for <strength> [nowait | skip locked]}. */
    private Select<Record> locking(List<? extends Field<?>> fields, Condition where) {
        SelectForUpdateStep<Record> select = DSL.select(fields).from(table).where(where);
        SelectForUpdateOfStep<Record> locked = switch (strength) {
            case UPDATE -> select.forUpdate();
            case NO_KEY_UPDATE -> select.forNoKeyUpdate();
            case SHARE -> select.forShare();
            case KEY_SHARE -> select.forKeyShare();
        };
        SelectForStep<Record> waiting = switch (wait) {
            case NOWAIT -> locked.noWait();
            case SKIP_LOCKED -> locked.skipLocked();
            case WAIT, TIMEOUT -> locked;
        };
        return waiting;
    }

    /**
     * A locked read, see {@code LockingDSLContext.fetchLocked(..)}.
     *
     * @throws IllegalStateException when {@code ctx} is in no transaction
     */
    public Result<R> fetch(DSLContext ctx, Table<R> target, Condition condition) {
        Objects.requireNonNull(condition, "condition cannot be null");
        checkTable(target);
        return around(ctx, "read", condition, () -> ctx.fetch(locking(List.of(table.fields()), condition)).into(table));
    }

    private static final Field<String> LOCK_TIMEOUT = DSL.field("current_setting('lock_timeout')", String.class);

    private static Field<String> setLockTimeout(String value) {
        return DSL.field("set_config('lock_timeout', {0}, true)", String.class, DSL.val(value));
    }

    /**
     * Runs a statement under the lock: in a transaction only, with the wait time set for it alone,
     * and a row that cannot be locked translated.
     */
    private <T> T around(DSLContext ctx, String verb, Condition where, Supplier<T> statement) {
        if (!EnclosingTransaction.holdsLocks(ctx.configuration())) {
            throw new IllegalStateException(this + " takes row locks, which last until the transaction ends, but this "
                    + verb + " of " + Names.table(table) + " runs on an autocommit connection, where they would end with "
                    + "the statement; run it in ctx.transactionResult(cfg -> ..) with Occ.using(cfg), or in a "
                    + "RetryPolicy's unit");
        }
        try {
            if (wait != Wait.TIMEOUT) {
                return statement.get();
            }
            // one round trip reads the setting and sets it for the transaction (PostgreSQL evaluates a
            // select list from left to right), one puts it back
            String previous = ctx.select(LOCK_TIMEOUT, setLockTimeout(timeout.toMillis() + "ms")).fetchOne().value1();
            T result = statement.get();
            // put back only after success: a failure aborts the transaction, whose rollback undoes it
            ctx.select(setLockTimeout(previous)).fetch();
            return result;
        } catch (DataAccessException e) {
            if ("55P03".equals(e.sqlState())) {
                String rows = ctx.renderInlined(where);
                throw new LockNotAvailableException(table, rows, "Conflict on " + Names.table(ctx, table) + " where "
                        + rows + ": a row is locked by another transaction, and " + this + (wait == Wait.TIMEOUT
                                ? " waited its " + timeout.toMillis() + " ms" : " does not wait")
                        + ". Nothing was written; retry the unit (RetryPolicy.builder().handleSqlStates(\"55P03\")), "
                        + "or report that the row is busy", e);
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("pessimistic(").append(Names.table(table)).append(")");
        switch (strength) {
            case NO_KEY_UPDATE -> s.append(".forNoKeyUpdate()");
            case SHARE -> s.append(".forShare()");
            case KEY_SHARE -> s.append(".forKeyShare()");
            case UPDATE -> { }
        }
        switch (wait) {
            case NOWAIT -> s.append(".noWait()");
            case SKIP_LOCKED -> s.append(".skipLocked()");
            case TIMEOUT -> s.append(".waitAtMost(").append(timeout).append(")");
            case WAIT -> { }
        }
        return s.toString();
    }

    /** The plan of one update or delete. */
    private final class Plan implements LockPlan<R> {
        private final Condition check;
        private final @Nullable TableField<R, ?> version;
        private final @Nullable VersionKind kind;
        private final @Nullable Field<?> next;

        Plan(Condition where) {
            this.check = DSL.row(key).in(locking(key, where));
            if (table instanceof VersionedTable<R, ?> versioned) {
                // optimistic readers of the row see the change
                this.version = versioned.versionField();
                this.kind = versioned.versionKind();
                this.next = OptimisticPolicy.nextValue(versioned.versionField(), versioned.versionKind());
            } else {
                this.version = null;
                this.kind = null;
                this.next = null;
            }
        }

        @Override
        public Condition check() {
            return check;
        }

        @Override
        public @Nullable TableField<R, ?> versionColumn() {
            return version;
        }

        @Override
        public @Nullable Field<?> nextVersion() {
            return next;
        }

        @Override
        public @Nullable VersionKind versionKind() {
            return kind;
        }

        @Override
        public boolean oneRow() {
            return false;
        }

        @Override
        public @Nullable VersionedRecord<R, ?> record() {
            return null;
        }

        @Override
        public <T> T around(DSLContext ctx, Target<R> target, Supplier<T> statement) {
            return PessimisticLock.this.around(ctx, target.verb(), target.condition(), statement);
        }

        @Override
        public @Nullable ConflictException explain(DSLContext ctx, Table<R> t, Condition where) {
            return null; // no row it could lock: an outcome, not a conflict
        }

        @Override
        public String toString() {
            return PessimisticLock.this.toString();
        }
    }
}
