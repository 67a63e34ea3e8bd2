package dev.occ.internal;

import dev.occ.ConflictException;
import dev.occ.VersionKind;
import dev.occ.VersionedRecord;
import java.util.function.Supplier;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.TableField;
import org.jspecify.annotations.Nullable;

/**
 * [occ#15] An {@link AdaptiveLock}'s optimistic policy: the statement is exactly the optimistic
 * one (same SQL, same direct path, same diagnosis), and its plan tells the slots of the key it
 * names about the attempt and about a conflict. It runs in a transaction only, as the adaptive read
 * does.
 */
final class AdaptivePolicy<R extends Record> extends Policy<R> {

    private final AdaptiveLock<R> lock;
    private final Policy<R> optimistic;

    AdaptivePolicy(AdaptiveLock<R> lock, Policy<R> optimistic) {
        this.lock = lock;
        this.optimistic = optimistic;
    }

    @Override
    public LockPlan<R> plan(Target<R> target) {
        LockPlan<R> inner = optimistic.plan(target); // checks the table
        Object[] values = KeyRule.pinnedKey(target.condition(), lock.key());
        Plan plan = new Plan(inner, values);
        if (values == null) {
            KeyRule.check(target, plan); // names the key and the fix
            throw new IllegalStateException(plan + ": the where clause does not pin the primary key");
        }
        return plan;
    }

    @Override
    public String toString() {
        return "adaptive(" + optimistic + ")";
    }

    /** The optimistic plan, counting into the key's slot. */
    private final class Plan implements LockPlan<R> {
        private final LockPlan<R> inner;
        private final Object @Nullable [] values;
        private final int slot;

        Plan(LockPlan<R> inner, Object @Nullable [] values) {
            this.inner = inner;
            this.values = values;
            this.slot = values == null ? -1 : lock.contentionSlots().slot(values);
        }

        @Override
        public Condition check() {
            return inner.check();
        }

        @Override
        public @Nullable TableField<R, ?> versionColumn() {
            return inner.versionColumn();
        }

        @Override
        public @Nullable Field<?> nextVersion() {
            return inner.nextVersion();
        }

        @Override
        public @Nullable VersionKind versionKind() {
            return inner.versionKind();
        }

        @Override
        public @Nullable VersionedRecord<R, ?> record() {
            return inner.record();
        }

        @Override
        public void checkStored(Record stored) {
            inner.checkStored(stored);
        }

        @Override
        public <T> T around(DSLContext ctx, Target<R> target, Supplier<T> statement) {
            lock.requireTransaction(ctx, target.verb());
            lock.attempt(slot);
            return inner.around(ctx, target, statement);
        }

        @Override
        public @Nullable ConflictException explain(DSLContext ctx, Table<R> table, Condition where) {
            ConflictException conflict = inner.explain(ctx, table, where);
            if (conflict != null && conflict.kind() == ConflictException.Kind.VERSION_CHANGED && values != null) {
                lock.conflict(slot, values);
            }
            return conflict;
        }

        @Override
        public String toString() {
            return AdaptivePolicy.this.toString();
        }
    }
}
