package dev.occ.internal;

import dev.occ.AdaptiveEvent;
import dev.occ.AdaptiveLocking;
import dev.occ.LockingPolicy;
import dev.occ.Occ;
import dev.occ.VersionedRecord;
import dev.occ.internal.retry.EnclosingTransaction;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectConditionStep;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jspecify.annotations.Nullable;

/**
 * [occ#15] The one {@link AdaptiveLocking}: the table, its key, the settings, the listeners and the
 * {@link ContentionSlots}. Its reads ({@link #fetchOne}) lock a row while the row's slot is hot;
 * its policies ({@link AdaptivePolicy}) are optimistic policies whose plans count attempts and
 * conflicts into the slots. Settings are final; the slots are the only state.
 */
public final class AdaptiveLock<R extends Record> implements AdaptiveLocking<R> {

    private static final System.Logger LOGGER = System.getLogger("dev.occ.AdaptiveLocking");

    private final Table<R> table;
    private final List<TableField<R, ?>> key;
    private final int conflicts;
    private final int attempts;
    private final Duration coolDown;
    private final ContentionSlots slots;
    private final @Nullable Consumer<AdaptiveEvent> onEscalate;
    private final @Nullable Consumer<AdaptiveEvent> onCoolDown;

    /** See {@code AdaptiveLocking.Builder}, which checked every argument. */
    public AdaptiveLock(Table<R> table, List<TableField<R, ?>> key, int conflicts, int attempts, Duration coolDown,
            int slots, @Nullable Consumer<AdaptiveEvent> onEscalate, @Nullable Consumer<AdaptiveEvent> onCoolDown) {
        this(table, key, conflicts, attempts, coolDown, slots, onEscalate, onCoolDown, System::nanoTime);
    }

    AdaptiveLock(Table<R> table, List<TableField<R, ?>> key, int conflicts, int attempts, Duration coolDown,
            int slots, @Nullable Consumer<AdaptiveEvent> onEscalate, @Nullable Consumer<AdaptiveEvent> onCoolDown,
            LongSupplier clock) {
        this.table = table;
        this.key = List.copyOf(key);
        this.conflicts = conflicts;
        this.attempts = attempts;
        this.coolDown = coolDown;
        this.slots = new ContentionSlots(slots, conflicts, attempts, coolDown.toNanos(), clock);
        this.onEscalate = onEscalate;
        this.onCoolDown = onCoolDown;
    }

    /**
     * The primary key the adaptive policy hashes, checked when its builder is made.
     *
     * @throws IllegalArgumentException when the table has none
     */
    public static <R extends Record> List<TableField<R, ?>> primaryKey(Table<R> table) {
        UniqueKey<R> pk = table.getPrimaryKey();
        if (pk == null) {
            throw new IllegalArgumentException("adaptive(" + Names.table(table) + ") tracks conflicts by primary key, but "
                    + Names.table(table) + " has none; add one (alter table " + Names.table(table) + " add primary key "
                    + "(..)) and regenerate, or declare a synthetic primary key in jOOQ's code generator "
                    + "(<syntheticObjects><primaryKeys>)");
        }
        return List.copyOf(pk.getFields());
    }

    /** @return how messages name this object: {@code adaptive(public.player)} */
    String name() {
        return "adaptive(" + Names.table(table) + ")";
    }

    List<TableField<R, ?>> key() {
        return key;
    }

    ContentionSlots contentionSlots() {
        return slots;
    }

    @Override
    public Table<R> table() {
        return table;
    }

    @Override
    public int slots() {
        return slots.size();
    }

    @Override
    public <V> LockingPolicy<R> optimistic(TableField<R, V> versionField, V expectedVersion) {
        Objects.requireNonNull(versionField, "versionField cannot be null");
        checkColumn(versionField);
        return new AdaptivePolicy<>(this, OptimisticPolicy.version(versionField, expectedVersion, null));
    }

    @Override
    public <V> LockingPolicy<R> optimistic(VersionedRecord<R, V> record) {
        Objects.requireNonNull(record, "record cannot be null");
        checkColumn(record.versionField());
        return new AdaptivePolicy<>(this, Policy.of(Occ.optimistic(record)));
    }

    /** Fails fast on a version column of another table (which raw types let through). */
    private void checkColumn(TableField<?, ?> column) {
        if (!table.equals(column.getTable())) {
            throw new IllegalArgumentException(name() + " tracks keys of " + Names.table(table) + ", but "
                    + Names.column(column) + " is a column of " + Names.table(column.getTable()) + "; lock on a column of "
                    + Names.table(table) + ", or use an Occ.adaptive(" + column.getTable().getName().toUpperCase()
                    + ") of its own");
        }
    }

    /**
     * The adaptive read, see {@code LockingDSLContext.fetchOne(table, condition, adaptive)}: checked
     * before any SQL runs, then {@code select * from t where <condition> [for update]}.
     */
    public @Nullable R fetchOne(DSLContext ctx, Table<R> target, Condition condition) {
        boolean locked = locked(ctx, target, condition);
        SelectConditionStep<R> select = ctx.selectFrom(table).where(condition);
        return locked ? select.forUpdate().fetchOne() : select.fetchOne();
    }

    /**
     * [occ#15] The adaptive read of some columns, see
     * {@code LockingDSLContext.fetchOne(table, condition, adaptive, fields)}: checked as
     * {@link #fetchOne(DSLContext, Table, Condition)}, then
     * {@code select <fields> from t where <condition> [for update]}.
     */
    public @Nullable Record fetchOne(DSLContext ctx, Table<R> target, Condition condition, SelectField<?>[] fields) {
        Objects.requireNonNull(fields, "fields cannot be null");
        if (fields.length == 0) {
            throw new IllegalArgumentException(name() + " reads the columns it is given, but none were given; name "
                    + "them, or read the whole row with fetchOne(" + target.getName().toUpperCase() + ", condition, "
                    + "adaptive)");
        }
        boolean locked = locked(ctx, target, condition);
        SelectConditionStep<Record> select = ctx.select(fields).from(table).where(condition);
        return locked ? select.forUpdate().fetchOne() : select.fetchOne();
    }

    /** Checks a read before any SQL runs, and says whether it locks: whether the key's slot is hot. */
    private boolean locked(DSLContext ctx, Table<R> target, Condition condition) {
        Objects.requireNonNull(condition, "condition cannot be null");
        if (!table.equals(target)) {
            throw new IllegalArgumentException(name() + " tracks keys of " + Names.table(table) + ", but this read is of "
                    + Names.table(target) + "; read " + Names.table(target) + " with an Occ.adaptive("
                    + target.getName().toUpperCase() + ") of its own");
        }
        Object[] values = KeyRule.pinnedKey(condition, key);
        if (values == null) {
            throw new IllegalArgumentException(name() + " reads one row, named by its primary key ("
                    + String.join(", ", key.stream().map(TableField::getName).toList()) + "), but the condition of this "
                    + "read of " + Names.table(table) + " does not pin every key column with = at its top level; name "
                    + "the row, for example " + KeyRule.example(key) + ", with any other condition ANDed beside it");
        }
        requireTransaction(ctx, "read");
        int slot = slots.slot(values);
        return switch (slots.read(slot)) {
            case HOT -> true;
            case COLD -> false;
            case COOLED_DOWN -> {
                fire(onCoolDown, new AdaptiveEvent(AdaptiveEvent.Type.COOLED_DOWN, table, key(values), slot, 0, 0));
                yield false;
            }
        };
    }

    /**
     * Refuses a context that holds no lock beyond its statement: the read would lock nothing, and
     * the unit would not be one transaction.
     *
     * @throws IllegalStateException on an autocommit connection outside any jOOQ transaction
     */
    void requireTransaction(DSLContext ctx, String verb) {
        if (!EnclosingTransaction.holdsLocks(ctx.configuration())) {
            throw new IllegalStateException(name() + " locks the rows that keep conflicting from their read until the "
                    + "transaction ends, but this " + verb + " of " + Names.table(table) + " runs on an autocommit "
                    + "connection, where a lock would end with its statement; run the unit, read and update, in a "
                    + "RetryPolicy (retry.transaction(ctx, cfg -> ..)) or in ctx.transactionResult(cfg -> ..), with "
                    + "Occ.using(cfg)");
        }
    }

    /** An optimistic update of the key is about to run. */
    void attempt(int slot) {
        slots.attempt(slot);
    }

    /** An optimistic update of the key found its version moved on. */
    void conflict(int slot, Object[] values) {
        int[] counted = new int[2];
        switch (slots.conflict(slot, counted)) {
            case ESCALATED -> escalated(slot, values, counted);
            case COOLED_DOWN_AND_ESCALATED -> {
                fire(onCoolDown, new AdaptiveEvent(AdaptiveEvent.Type.COOLED_DOWN, table, key(values), slot, 0, 0));
                escalated(slot, values, counted);
            }
            case COUNTED, RENEWED -> { }
        }
    }

    private void escalated(int slot, Object[] values, int[] counted) {
        fire(onEscalate, new AdaptiveEvent(AdaptiveEvent.Type.ESCALATED, table, key(values), slot, counted[0],
                counted[1]));
    }

    /** The key as events name it: {@code id = 42}. */
    String key(Object[] values) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(key.get(i).getName()).append(" = ").append(values[i]);
        }
        return s.toString();
    }

    private static void fire(@Nullable Consumer<AdaptiveEvent> listener, AdaptiveEvent event) {
        if (listener == null) {
            return;
        }
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, () -> "occ AdaptiveLocking: the listener threw on " + event
                    + "; the statement goes on", e);
        }
    }

    @Override
    public String toString() {
        return "adaptive(" + Names.table(table) + ", escalate at " + conflicts + " conflict" + (conflicts == 1 ? "" : "s")
                + " of " + attempts + " attempt" + (attempts == 1 ? "" : "s") + ", cool-down " + coolDown.toMillis()
                + " ms, " + slots.size() + " slot" + (slots.size() == 1 ? "" : "s") + ")";
    }
}
