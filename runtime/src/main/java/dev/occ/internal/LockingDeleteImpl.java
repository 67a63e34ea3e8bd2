package dev.occ.internal;

import dev.occ.LockedDelete;
import dev.occ.LockingDeleteConditionStep;
import dev.occ.LockingDeleteWhereStep;
import dev.occ.LockingPolicy;
import org.jooq.DSLContext;
import org.jooq.DeleteQuery;
import org.jooq.Record;
import org.jooq.Table;

/** The one implementation of every locked DELETE step. */
final class LockingDeleteImpl<R extends Record> extends LockingStatement<R, LockingDeleteConditionStep<R>>
        implements LockingDeleteWhereStep<R>, LockingDeleteConditionStep<R>, LockedDelete<R> {

    LockingDeleteImpl(DSLContext ctx, Table<R> table) {
        super(ctx, table);
    }

    @Override
    public LockedDelete<R> lockingPolicy(LockingPolicy<R> lockingPolicy) {
        plan(lockingPolicy);
        return this;
    }

    @Override
    public String verb() {
        return "delete";
    }

    @Override
    DeleteQuery<R> query() {
        DeleteQuery<R> query = ctx.deleteQuery(table);
        query.addConditions(lockedWhere());
        return query;
    }

    @Override
    public int execute() {
        return run(() -> {
            int deleted = query().execute();
            if (deleted == 0) {
                nothingWritten();
            }
            return deleted;
        });
    }
}
