package dev.occ.internal;

import dev.occ.AdaptiveLocking;
import dev.occ.BatchLockingStep;
import dev.occ.BatchUpdateSetStep;
import dev.occ.LockingDSLContext;
import dev.occ.LockingDeleteWhereStep;
import dev.occ.LockingUpdateSetFirstStep;
import dev.occ.PessimisticPolicy;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.UpdatableRecord;
import org.jspecify.annotations.Nullable;

/** The one implementation of {@link LockingDSLContext}. */
public final class LockingDSLContextImpl implements LockingDSLContext {

    private final DSLContext ctx;

    /** @param ctx the context the statements run on */
    public LockingDSLContextImpl(DSLContext ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx cannot be null");
    }

    @Override
    public <R extends Record> LockingUpdateSetFirstStep<R> update(Table<R> table) {
        return new LockingUpdateImpl<>(ctx, Objects.requireNonNull(table, "table cannot be null"));
    }

    @Override
    public <R extends Record> LockingDeleteWhereStep<R> delete(Table<R> table) {
        return new LockingDeleteImpl<>(ctx, Objects.requireNonNull(table, "table cannot be null"));
    }

    @Override
    public <R extends Record> Result<R> fetchLocked(Table<R> table, Condition condition, PessimisticPolicy<R> policy) {
        Objects.requireNonNull(table, "table cannot be null");
        Objects.requireNonNull(policy, "policy cannot be null");
        return ((PessimisticLock<R>) policy).fetch(ctx, table, condition);
    }

    @Override
    public <R extends UpdatableRecord<R>> BatchUpdateSetStep<R> batchUpdate(Table<R> table) {
        return BatchImpl.update(ctx, table);
    }

    @Override
    public <R extends UpdatableRecord<R>> BatchLockingStep<R> batchDelete(Table<R> table) {
        return BatchImpl.delete(ctx, table);
    }

    @Override
    public DSLContext dsl() {
        return ctx;
    }

    @Override
    public String toString() {
        return "LockingDSLContext[" + ctx.dialect() + "]";
    }

    @Override
    public <R extends Record> @Nullable R fetchOne(Table<R> table, Condition condition, AdaptiveLocking<R> adaptive) {
        Objects.requireNonNull(table, "table cannot be null");
        Objects.requireNonNull(adaptive, "adaptive cannot be null");
        return ((AdaptiveLock<R>) adaptive).fetchOne(ctx, table, condition);
    }

    @Override
    public <R extends Record> @Nullable Record fetchOne(Table<R> table, Condition condition,
            AdaptiveLocking<R> adaptive, SelectField<?>... fields) {
        Objects.requireNonNull(table, "table cannot be null");
        Objects.requireNonNull(adaptive, "adaptive cannot be null");
        return ((AdaptiveLock<R>) adaptive).fetchOne(ctx, table, condition, fields);
    }
}
