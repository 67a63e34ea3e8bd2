package dev.occ;

import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Table;

/** The one implementation of {@link LockingDSLContext}. */
final class LockingDSLContextImpl implements LockingDSLContext {

    private final DSLContext ctx;

    LockingDSLContextImpl(DSLContext ctx) {
        this.ctx = ctx;
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
    public DSLContext dsl() {
        return ctx;
    }

    @Override
    public String toString() {
        return "LockingDSLContext[" + ctx.dialect() + "]";
    }
}
