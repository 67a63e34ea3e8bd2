package dev.occ.internal.direct;

import static dev.occ.Occ.optimistic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.occ.Occ;
import dev.occ.postgres.TestDatabaseExtension;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.Internal;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#6] Every type the direct path admits ({@link DirectTypes}), bound in SET and in WHERE, gives
 * on PostgreSQL exactly what jOOQ's own execution gives; and the direct path was really taken.
 */
class DirectTypesTest {

    /** A table with a column of every admitted type. */
    static final class Types extends TableImpl<Record> {
        static final Types T = new Types();
        final TableField<Record, Integer> ID = createField(DSL.name("id"), SQLDataType.INTEGER.nullable(false), this);
        final TableField<Record, Integer> I = createField(DSL.name("i"), SQLDataType.INTEGER, this);
        final TableField<Record, Long> L = createField(DSL.name("l"), SQLDataType.BIGINT, this);
        final TableField<Record, Short> S = createField(DSL.name("s"), SQLDataType.SMALLINT, this);
        final TableField<Record, String> TXT = createField(DSL.name("txt"), SQLDataType.CLOB, this);
        final TableField<Record, Boolean> B = createField(DSL.name("b"), SQLDataType.BOOLEAN, this);
        final TableField<Record, UUID> U = createField(DSL.name("u"), SQLDataType.UUID, this);
        final TableField<Record, JSON> J = createField(DSL.name("j"), SQLDataType.JSON, this);
        final TableField<Record, JSONB> JB = createField(DSL.name("jb"), SQLDataType.JSONB, this);
        final TableField<Record, Integer> VERSION = createField(DSL.name("version"),
                SQLDataType.INTEGER.nullable(false), this);

        Types() {
            super(DSL.name("direct_types"));
        }

        @Override
        public UniqueKey<Record> getPrimaryKey() {
            return Internal.createUniqueKey(this, ID);
        }
    }

    static final Types T = Types.T;

    /** One admitted type: a column of it, the value a row starts with and the value the update writes. */
    record Case<V>(Class<V> type, TableField<Record, V> column, V before, V after, boolean comparable) {
    }

    static final List<Case<?>> CASES = List.of(
            new Case<>(Integer.class, T.I, 7, -2_000_000_000, true),
            new Case<>(Long.class, T.L, 7L, 1L << 50, true),
            new Case<>(Short.class, T.S, (short) 7, Short.MIN_VALUE, true),
            new Case<>(String.class, T.TXT, "before", "after, with 'quotes' and ünïcödé", true),
            new Case<>(Boolean.class, T.B, true, false, true),
            new Case<>(UUID.class, T.U, UUID.fromString("00000000-0000-0000-0000-000000000007"), UUID.randomUUID(), true),
            // json has no equality operator in PostgreSQL: it is bound in SET only
            new Case<>(JSON.class, T.J, JSON.valueOf("{\"a\": 1}"), JSON.valueOf("{ \"b\" : [1, 2] }"), false),
            new Case<>(JSONB.class, T.JB, JSONB.valueOf("{\"a\": 1}"), JSONB.valueOf("{\"b\": [1, 2]}"), true));

    @RegisterExtension
    static final TestDatabaseExtension database = TestDatabaseExtension.migrated();

    @BeforeAll
    static void table() {
        DSL.using(database.dataSource(), SQLDialect.POSTGRES).execute("create table direct_types (id int primary key, "
                + "i int, l bigint, s smallint, txt text, b boolean, u uuid, j json, jb jsonb, "
                + "version int not null default 1)");
    }

    @Test
    void everyAdmittedTypeHasACase() {
        Set<Class<?>> covered = CASES.stream().map(Case::type).collect(Collectors.toSet());
        assertEquals(DirectTypes.admitted(), covered);
    }

    @Test
    void everyAdmittedTypeIsBoundAsJooqBindsIt() {
        int id = 0;
        for (Case<?> c : CASES) {
            id += 2;
            assertSameAsJooq(c, id, id + 1);
        }
    }

    private static <V> void assertSameAsJooq(Case<V> c, int directId, int jooqId) {
        Counter direct = new Counter();
        Counter throughJooq = new Counter();
        DSLContext directCtx = context(direct, true);
        DSLContext jooqCtx = context(throughJooq, false);
        for (int id : new int[] { directId, jooqId }) {
            directCtx.insertInto(T).set(T.ID, id).set(c.column(), c.before()).execute();
        }
        assertEquals(1, update(directCtx, c, directId), c.type() + " directly");
        assertEquals(1, update(jooqCtx, c, jooqId), c.type() + " through jOOQ");
        assertEquals(0, direct.count.get(), c.type() + ": the direct path was taken, so no listener saw it");
        assertEquals(1, throughJooq.count.get(), c.type() + ": jOOQ ran the other one");

        Record viaDirect = directCtx.fetchOne(T, T.ID.eq(directId));
        Record viaJooq = directCtx.fetchOne(T, T.ID.eq(jooqId));
        assertEquals(viaJooq.get(c.column()), viaDirect.get(c.column()), c.type().getName());
        assertEquals(2, viaDirect.get(T.VERSION), c.type().getName());
        assertFalse(c.before().equals(viaDirect.get(c.column())), c.type() + " was written");
        if (c.type() != JSON.class) { // json keeps the text as sent, jsonb normalises it
            assertEquals(c.after(), viaDirect.get(c.column()), c.type().getName());
        } else {
            assertEquals(((JSON) c.after()).data(), ((JSON) viaDirect.get(c.column())).data());
        }
    }

    /** SET the column to its new value where it still holds the old one (where the type can be compared). */
    private static <V> int update(DSLContext ctx, Case<V> c, int id) {
        return Occ.using(ctx).update(T)
                .set(c.column(), c.after())
                .where(c.comparable() ? T.ID.eq(id).and(c.column().eq(c.before())) : T.ID.eq(id))
                .lockingPolicy(optimistic(T.VERSION, 1))
                .execute();
    }

    /** A context whose listener counts what jOOQ executes; {@code direct}: the user opted in despite it. */
    private static DSLContext context(Counter counter, boolean direct) {
        Configuration configuration = new DefaultConfiguration().set(database.dataSource())
                .set(SQLDialect.POSTGRES).set(counter);
        configuration.data(Occ.DIRECT_EXECUTION, direct);
        DSLContext ctx = DSL.using(configuration);
        return ctx;
    }

    /** Counts the updates jOOQ executes. */
    static final class Counter implements ExecuteListener {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void executeStart(ExecuteContext ctx) {
            if (ctx.sql() != null && ctx.sql().startsWith("update")) {
                count.incrementAndGet();
            }
        }
    }
}
