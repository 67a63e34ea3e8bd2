package dev.occ.internal;

import dev.occ.ConflictException;
import dev.occ.LockingPolicy;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * What locked UPDATEs and DELETEs share: the target, the where clause, the plan of the locking
 * policy and the diagnosis. The statements know nothing of any policy but its {@link LockPlan}.
 *
 * @param <C> the statement's condition step, which {@code where}, {@code and} and {@code or} return
 */
abstract class LockingStatement<R extends Record, C> implements Target<R> {

    final DSLContext ctx;
    final Table<R> table;
    Condition where = DSL.noCondition();
    /** {@code null} until {@code lockingPolicy(..)}. */
    @Nullable LockPlan<R> plan;

    LockingStatement(DSLContext ctx, Table<R> table) {
        this.ctx = ctx;
        this.table = table;
    }

    @SuppressWarnings("unchecked")
    private C self() {
        return (C) this; // every subclass is its own condition step
    }

    public final C where(Condition condition) {
        where = Objects.requireNonNull(condition, "condition cannot be null");
        return self();
    }

    public final C where(Condition... conditions) {
        return where(DSL.and(conditions));
    }

    public final C where(Collection<? extends Condition> conditions) {
        return where(DSL.and(conditions));
    }

    public final C and(Condition condition) {
        where = where.and(Objects.requireNonNull(condition, "condition cannot be null"));
        return self();
    }

    public final C or(Condition condition) {
        where = where.or(Objects.requireNonNull(condition, "condition cannot be null"));
        return self();
    }

    /**
     * Turns the policy into this statement's plan, failing fast where it cannot apply: on another
     * table, or ([occ#10]) where the where clause does not name the one row a plan writes.
     */
    final LockPlan<R> plan(LockingPolicy<R> lockingPolicy) {
        Objects.requireNonNull(lockingPolicy, "policy cannot be null");
        LockPlan<R> planned = Policy.of(lockingPolicy).plan(this);
        KeyRule.check(this, planned);
        this.plan = planned;
        return planned;
    }

    @Override
    public final Table<R> table() {
        return table;
    }

    @Override
    public final Condition condition() {
        return where;
    }

    @Override
    public @Nullable Record setRecord() {
        return null;
    }

    /** The plan; only complete statements (after {@code lockingPolicy(..)}) run or render. */
    final LockPlan<R> plan() {
        return Objects.requireNonNull(plan, "no locking policy yet");
    }

    /** The where clause and the lock's check, as one condition. */
    final Condition lockedWhere() {
        return DSL.and(where, plan().check());
    }

    /** Runs the statement as the plan says: {@link LockPlan#around}. */
    final <T> T run(Supplier<T> statement) {
        return plan().around(ctx, this, statement);
    }

    /** The statement wrote nothing: throws the plan's explanation, unless writing nothing is an outcome. */
    final void nothingWritten() {
        ConflictException conflict = plan().explain(ctx, table, where);
        if (conflict != null) {
            throw conflict;
        }
    }

    /** The statement exactly as it runs, with the lock's check; built anew on each call. */
    abstract Query query();

    public final String getSQL() {
        return query().getSQL();
    }

    public final List<Object> getBindValues() {
        return query().getBindValues();
    }

    @Override
    public final String toString() {
        return plan == null
                ? getClass().getSimpleName().replace("Impl", "") + "[" + Names.table(table) + ", no locking policy yet]"
                : query().toString();
    }
}
