package dev.occ.internal.direct;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.ACCOUNT;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.ConflictException;
import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import dev.occ.postgres.TestDatabaseExtension;
import dev.occ.test.db.tables.records.AccountRecord;
import dev.occ.test.db.tables.records.ResourceRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.RecordContext;
import org.jooq.RecordListener;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * [occ#15] Locked updates with {@code RETURNING} on the direct path: for every admitted shape the
 * same records as jOOQ returns (class, values, changed flags, originals, attachment), the same
 * refreshed record and the same conflicts; shapes that return what the direct path does not read
 * run through jOOQ. On PostgreSQL: each comparison runs the same update on two equal rows, one
 * directly and one through jOOQ.
 */
class DirectReturningTest {

    @RegisterExtension
    static final TestDatabaseExtension database = TestDatabaseExtension.migrated();

    private static DSLContext direct() {
        return DSL.using(database.dataSource(), SQLDialect.POSTGRES);
    }

    private static DSLContext throughJooq() {
        DSLContext ctx = DSL.using(database.dataSource(), SQLDialect.POSTGRES);
        ctx.configuration().data(Occ.DIRECT_EXECUTION, false);
        return ctx;
    }

    private static int newResource() {
        return direct().insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values("twin", JSONB.valueOf("{\"a\": 1}"))
                .returning(RESOURCE.ID).fetchOne().getId();
    }

    private static int newAccount() {
        return direct().insertInto(ACCOUNT, ACCOUNT.OWNER, ACCOUNT.BALANCE).values("twin", 10)
                .returning(ACCOUNT.ID).fetchOne().getId();
    }

    /** A record's values but its key, and its changed flags and originals. */
    private static Map<String, Object> described(Record r, Field<?> key) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("class", r.getClass());
        d.put("changed", r.changed());
        for (Field<?> f : r.fields()) {
            if (f.equals(key)) {
                assertEquals(r.get(f) == null, r.original(f) == null);
                continue;
            }
            d.put(f.getName(), r.get(f));
            d.put(f.getName() + " changed", r.changed(f));
            d.put(f.getName() + " original", r.original(f));
        }
        return d;
    }

    /** Runs the update on a fresh row directly and on its twin through jOOQ; compares what came back. */
    private static <R extends Record> void sameAsThroughJooq(java.util.function.IntSupplier twin, Field<?> key,
            BiFunction<LockingDSLContext, Integer, Result<R>> update) {
        int a = twin.getAsInt();
        int b = twin.getAsInt();
        DirectUpdate.clearCaches();
        Result<R> viaJooq = update.apply(Occ.using(throughJooq()), b);
        assertEquals(0, DirectUpdate.cachedShapes());
        Result<R> viaDirect = update.apply(Occ.using(direct()), a);
        assertEquals(1, DirectUpdate.cachedShapes(), "the update ran on the direct path");
        assertEquals(viaJooq.size(), viaDirect.size());
        assertEquals(List.of(viaJooq.fields()), List.of(viaDirect.fields()));
        for (int i = 0; i < viaJooq.size(); i++) {
            assertEquals(described(viaJooq.get(i), key), described(viaDirect.get(i), key));
            assertNotNull(viaDirect.get(i).configuration(), "attached, as jOOQ's records are");
        }
    }

    @Test
    void returnedColumnsAreWhatJooqReturns() {
        sameAsThroughJooq(DirectReturningTest::newResource, RESOURCE.ID, (db, id) -> Result(db.update(RESOURCE)
                .set(RESOURCE.NAME, "returned").where(RESOURCE.ID.eq(id))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).returning(RESOURCE.VERSION).fetchOne()));
        sameAsThroughJooq(DirectReturningTest::newResource, RESOURCE.ID, (db, id) -> db.update(RESOURCE)
                .set(RESOURCE.DATA, JSONB.valueOf("{\"b\":   [1, 2]}")).where(RESOURCE.ID.eq(id))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1))
                .returning(RESOURCE.VERSION, RESOURCE.NAME, RESOURCE.DATA, RESOURCE.ID).fetch());
        sameAsThroughJooq(DirectReturningTest::newAccount, ACCOUNT.ID, (db, id) -> Result(db.update(ACCOUNT)
                .set(ACCOUNT.OWNER, "realistic").set(ACCOUNT.BALANCE, ACCOUNT.BALANCE.plus(2))
                .set(ACCOUNT.UPDATED_AT, DSL.currentOffsetDateTime()).where(ACCOUNT.ID.eq(id))
                .lockingPolicy(optimistic(ACCOUNT.VERSION, 1)).returning(ACCOUNT.VERSION, ACCOUNT.BALANCE)
                .fetchOne()));
    }

    private static <R extends org.jooq.TableRecord<R>> Result<R> Result(R record) {
        Result<R> r = DSL.using(SQLDialect.POSTGRES).newResult(record.getTable());
        r.add(record);
        return r;
    }

    @Test
    void aRecordIsRefreshedAsThroughJooq() {
        for (boolean isDirect : new boolean[] { true, false }) {
            DSLContext ctx = isDirect ? direct() : throughJooq();
            DirectUpdate.clearCaches();
            ResourceRecord r = ctx.fetchSingle(RESOURCE, RESOURCE.ID.eq(newResource()));
            r.setName("refreshed");
            assertEquals(1, Occ.using(ctx).update(RESOURCE).set(r).where(RESOURCE.ID.eq(r.getId()))
                    .lockingPolicy(optimistic(r)).execute());
            assertEquals(2, r.getVersion());
            assertFalse(r.changed(RESOURCE.VERSION));
            assertEquals(isDirect ? 1 : 0, DirectUpdate.cachedShapes(), "the refresh ran on the direct path");
            assertEquals("refreshed", ctx.fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(r.getId())));
        }
    }

    @Test
    void aConflictIsDiagnosedAsThroughJooq() {
        int id = newResource();
        for (DSLContext ctx : List.of(direct(), throughJooq())) {
            ConflictException e = assertThrows(ConflictException.class, () -> Occ.using(ctx).update(RESOURCE)
                    .set(RESOURCE.NAME, "stale").where(RESOURCE.ID.eq(id))
                    .lockingPolicy(optimistic(RESOURCE.VERSION, 7)).returning(RESOURCE.VERSION).fetchOne());
            assertEquals(ConflictException.Kind.VERSION_CHANGED, e.kind());
            assertEquals(1, e.actualVersion());
        }
        assertEquals(1, DirectUpdate.cachedShapes(), "the conflicting update ran on the direct path");
    }

    @Test
    void returningWhatTheDirectPathDoesNotReadRunsThroughJooq() {
        int id = newResource();
        ResourceRecord timestamp = Occ.using(direct()).update(RESOURCE).set(RESOURCE.NAME, "ts")
                .where(RESOURCE.ID.eq(id)).lockingPolicy(optimistic(RESOURCE.VERSION, 1))
                .returning(RESOURCE.VERSION, RESOURCE.UPDATED_AT).fetchOne();
        assertNotNull(timestamp.getUpdatedAt());
        ResourceRecord all = Occ.using(direct()).update(RESOURCE).set(RESOURCE.NAME, "all")
                .where(RESOURCE.ID.eq(id)).lockingPolicy(optimistic(RESOURCE.VERSION, 2)).returning().fetchOne();
        assertEquals("all", all.getName());
        AccountRecord other = Occ.using(direct()).update(ACCOUNT).set(ACCOUNT.OWNER, "x")
                .where(ACCOUNT.ID.eq(newAccount())).lockingPolicy(optimistic(ACCOUNT.VERSION, 1))
                .returning(ACCOUNT.VERSION, DSL.field("1", Integer.class).as("one")).fetchOne();
        assertEquals(2, other.getVersion());
        assertEquals(0, DirectUpdate.cachedShapes(), "no shape: " + DirectUpdate.describeCache());
    }

    @Test
    void aRecordListenerSeesTheReturnedRecordsThroughJooq() {
        int[] loaded = new int[1];
        DSLContext ctx = direct();
        ctx.configuration().set(new RecordListener() {
            @Override
            public void loadEnd(RecordContext c) {
                loaded[0]++;
            }
        });
        ResourceRecord r = Occ.using(ctx).update(RESOURCE).set(RESOURCE.NAME, "listened")
                .where(RESOURCE.ID.eq(newResource())).lockingPolicy(optimistic(RESOURCE.VERSION, 1))
                .returning(RESOURCE.VERSION).fetchOne();
        assertEquals(2, r.getVersion());
        assertEquals(0, DirectUpdate.cachedShapes());
        assertTrue(loaded[0] >= 1, "the listener saw the returned record load");
    }

    @Test
    void unreturnedColumnsStayNullAndReturnedOnesHaveTheirTypes() {
        AccountRecord r = Occ.using(direct()).update(ACCOUNT).set(ACCOUNT.OWNER, "typed")
                .where(ACCOUNT.ID.eq(newAccount())).lockingPolicy(optimistic(ACCOUNT.VERSION, 1))
                .returning(ACCOUNT.VERSION, ACCOUNT.OWNER).fetchOne();
        assertSame(Integer.class, r.getVersion().getClass());
        assertEquals("typed", r.getOwner());
        assertNull(r.getUpdatedAt(), "not returned: null, as jOOQ leaves it");
        assertEquals(1, DirectUpdate.cachedShapes());
    }

    /** Every reader gives SQL NULL as {@code null}, and each value as jOOQ reads it. */
    @Test
    void readersReadAsJooqReads() throws java.sql.SQLException {
        String sql = "select cast(null as integer), cast(null as bigint), cast(null as smallint), cast(null as boolean),"
                + " cast(null as text), cast(null as json), cast(null as jsonb),"
                + " 7, cast(8 as bigint), cast(9 as smallint), true, 'text', cast('{\"a\":  1}' as json),"
                + " cast('{\"a\":  1}' as jsonb)";
        List<Class<?>> types = List.of(Integer.class, Long.class, Short.class, Boolean.class, String.class,
                org.jooq.JSON.class, JSONB.class);
        Record jooq = direct().resultQuery(sql).coerce(java.util.stream.Stream.concat(types.stream(), types.stream())
                .map(t -> DSL.field("x", t)).toArray(Field[]::new)).fetchOne();
        try (java.sql.Connection c = database.dataSource().getConnection();
                java.sql.ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            for (int i = 0; i < 2 * types.size(); i++) {
                Object read = DirectTypes.reader(types.get(i % types.size())).read(rs, i + 1);
                assertEquals(jooq.get(i), read, "column " + (i + 1));
                if (i < types.size()) {
                    assertNull(read);
                } else {
                    assertSame(types.get(i % types.size()), read.getClass());
                }
            }
        }
    }
}
