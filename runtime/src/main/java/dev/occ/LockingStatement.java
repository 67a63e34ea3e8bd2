package dev.occ;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * What locked UPDATEs and DELETEs share: the target, the where clause, the policy and the diagnosis.
 *
 * @param <C> the statement's condition step, which {@code where}, {@code and} and {@code or} return
 */
abstract class LockingStatement<R extends Record, C> {

    final DSLContext ctx;
    final Table<R> table;
    Condition where = DSL.noCondition();
    OptimisticPolicy<R> policy;

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

    void policy(LockingPolicy<R> lockingPolicy) {
        Objects.requireNonNull(lockingPolicy, "policy cannot be null");
        OptimisticPolicy<R> optimistic = (OptimisticPolicy<R>) lockingPolicy;
        optimistic.checkTarget(table);
        this.policy = optimistic;
    }

    /** The where clause and the lock's check, as one condition. */
    final Condition lockedWhere() {
        return DSL.and(where, policy.check);
    }

    final ConflictException conflict() {
        return Conflicts.diagnose(ctx, table, where, policy);
    }

    /** The statement as jOOQ runs it, with the lock's check; built anew on each call. */
    abstract Query query();

    public final String getSQL() {
        return query().getSQL();
    }

    public final List<Object> getBindValues() {
        return query().getBindValues();
    }

    @Override
    public final String toString() {
        return policy == null
                ? getClass().getSimpleName().replace("Impl", "") + "[" + OptimisticPolicy.name(table) + ", no locking policy yet]"
                : query().toString();
    }
}
