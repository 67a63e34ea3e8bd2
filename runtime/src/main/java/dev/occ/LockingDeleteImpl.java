package dev.occ;

import java.util.Collection;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.DeleteQuery;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

/** The one implementation of every locked DELETE step. */
final class LockingDeleteImpl<R extends Record> extends LockingStatement<R>
        implements LockingDeleteWhereStep<R>, LockingDeleteConditionStep<R>, LockedDelete<R> {

    LockingDeleteImpl(DSLContext ctx, Table<R> table) {
        super(ctx, table);
    }

    @Override
    public LockingDeleteConditionStep<R> where(Condition condition) {
        setWhere(condition);
        return this;
    }

    @Override
    public LockingDeleteConditionStep<R> where(Condition... conditions) {
        setWhere(DSL.and(conditions));
        return this;
    }

    @Override
    public LockingDeleteConditionStep<R> where(Collection<? extends Condition> conditions) {
        setWhere(DSL.and(conditions));
        return this;
    }

    @Override
    public LockingDeleteConditionStep<R> and(Condition condition) {
        addAnd(condition);
        return this;
    }

    @Override
    public LockingDeleteConditionStep<R> or(Condition condition) {
        addOr(condition);
        return this;
    }

    @Override
    public LockedDelete<R> lockingPolicy(LockingPolicy<R> lockingPolicy) {
        policy(lockingPolicy);
        return this;
    }

    private DeleteQuery<R> query() {
        DeleteQuery<R> query = ctx.deleteQuery(table);
        query.addConditions(lockedWhere());
        return query;
    }

    @Override
    public int execute() {
        int deleted = query().execute();
        if (deleted == 0) {
            throw conflict();
        }
        return deleted;
    }

    @Override
    public String getSQL() {
        return query().getSQL();
    }

    @Override
    public List<Object> getBindValues() {
        return query().getBindValues();
    }

    @Override
    public String toString() {
        return query().toString();
    }
}
