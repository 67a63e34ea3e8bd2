package dev.occ.internal.direct;

import static dev.occ.Occ.compareAndSet;
import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.ACCOUNT;
import static dev.occ.test.db.Tables.DOCUMENT;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.ConflictException;
import dev.occ.LockingDSLContext;
import dev.occ.LockingUpdateConditionStep;
import dev.occ.Occ;
import dev.occ.postgres.TestDatabaseExtension;
import dev.occ.test.db.tables.records.DocumentRecord;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.IntStream;
import org.jooq.Condition;
import org.jooq.ConnectionProvider;
import org.jooq.Converter;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Param;
import org.jooq.SQLDialect;
import org.jooq.TableField;
import org.jooq.conf.DiagnosticsConnection;
import org.jooq.conf.QueryPoolable;
import org.jooq.conf.Settings;
import org.jooq.exception.DataException;
import org.jooq.exception.DetachedException;
import org.jooq.impl.DSL;
import org.jooq.impl.DataSourceConnectionProvider;
import org.jooq.impl.DefaultBinding;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.SQLDataType;
import org.jooq.tools.LoggerListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * [occ#6] What the direct path must keep that the equivalence tests do not show: it gives back every
 * connection it takes, it stays off under each setting it would bypass, and two updates that differ
 * anywhere but in their bind values never share a rendered statement. On PostgreSQL; the caches
 * start empty for each test ({@link FreshDirectCaches}), so {@link DirectUpdate#cachedShapes()} says
 * whether the direct path rendered an update.
 */
class DirectPathMutationsTest {

    @RegisterExtension
    static final TestDatabaseExtension database = TestDatabaseExtension.migrated();

    /** Counts what is taken from and given back to the test database's connection provider. */
    static final class CountingProvider implements ConnectionProvider {
        private final ConnectionProvider delegate = new DataSourceConnectionProvider(database.dataSource());
        final AtomicInteger acquired = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();

        @Override
        public Connection acquire() {
            acquired.incrementAndGet();
            return delegate.acquire();
        }

        @Override
        public void release(Connection connection) {
            released.incrementAndGet();
            delegate.release(connection);
        }
    }

    private static DSLContext plain() {
        return DSL.using(database.dataSource(), SQLDialect.POSTGRES);
    }

    private static long newDocument(String title, String body) {
        return plain().insertInto(DOCUMENT, DOCUMENT.TITLE, DOCUMENT.BODY).values(title, body)
                .returning(DOCUMENT.ID).fetchOne().getId();
    }

    private static DocumentRecord document(long id) {
        return plain().fetchSingle(DOCUMENT, DOCUMENT.ID.eq(id));
    }

    // ------------------------------------------------------------------------------------ connections

    @Test
    void everyConnectionTakenOutsideATransactionIsGivenBack() {
        CountingProvider provider = new CountingProvider();
        DSLContext ctx = DSL.using(new DefaultConfiguration().set(provider).set(SQLDialect.POSTGRES));
        long id = newDocument("counted", "");
        LockingDSLContext db = Occ.using(ctx);

        for (long v = 1; v <= 3; v++) {
            assertEquals(1, db.update(DOCUMENT).set(DOCUMENT.TITLE, "counted " + v).where(DOCUMENT.ID.eq(id))
                    .lockingPolicy(optimistic(DOCUMENT.VERSION, v)).execute());
        }
        assertEquals(1, DirectUpdate.cachedShapes(), "the updates ran on the direct path");
        assertEquals(3, provider.acquired.get());
        assertEquals(3, provider.released.get(), "one connection per update, each given back");

        // a failing statement gives its connection back too
        assertThrows(DataException.class, () -> db.update(RESOURCE).set(RESOURCE.DATA, JSONB.valueOf("{not json"))
                .where(RESOURCE.ID.eq(1)).lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertEquals(2, DirectUpdate.cachedShapes());
        assertEquals(provider.acquired.get(), provider.released.get());
        assertEquals(4, document(id).getVersion());
    }

    @Test
    void aProviderWithoutConnectionIsReportedByJooq() {
        DSLContext ctx = DSL.using(new DefaultConfiguration().set(new ConnectionProvider() {
            @Override
            public Connection acquire() {
                return null;
            }

            @Override
            public void release(Connection connection) {
                throw new AssertionError("nothing was acquired");
            }
        }).set(SQLDialect.POSTGRES));
        assertThrows(DetachedException.class, () -> Occ.using(ctx).update(DOCUMENT).set(DOCUMENT.TITLE, "t")
                .where(DOCUMENT.ID.eq(1L)).lockingPolicy(optimistic(DOCUMENT.VERSION, 1L)).execute());

        // a provider that has a connection again when jOOQ asks: the update runs through jOOQ
        long id = newDocument("late connection", "");
        CountingProvider counting = new CountingProvider();
        DSLContext late = DSL.using(new DefaultConfiguration().set(new ConnectionProvider() {
            private boolean first = true;

            @Override
            public Connection acquire() {
                if (first) {
                    first = false;
                    return null;
                }
                return counting.acquire();
            }

            @Override
            public void release(Connection connection) {
                counting.release(connection);
            }
        }).set(SQLDialect.POSTGRES));
        assertEquals(1, Occ.using(late).update(DOCUMENT).set(DOCUMENT.TITLE, "through jOOQ").where(DOCUMENT.ID.eq(id))
                .lockingPolicy(optimistic(DOCUMENT.VERSION, 1L)).execute());
        assertEquals("through jOOQ", document(id).getTitle());
        assertEquals(1, counting.released.get());
    }

    // ------------------------------------------------------------------------------------ allowed()

    private static boolean allowed(Settings settings) {
        return DirectUpdate.allowed(DSL.using(SQLDialect.POSTGRES, settings).configuration());
    }

    @Test
    void eachExecutionSettingTheDirectPathWouldBypassTurnsItOff() {
        assertTrue(allowed(new Settings()));
        assertFalse(allowed(new Settings().withQueryTimeout(5)), "query timeout");
        assertTrue(allowed(new Settings().withQueryTimeout(0)), "no query timeout");
        assertFalse(allowed(new Settings().withQueryPoolable(QueryPoolable.TRUE)), "poolable");
        assertFalse(allowed(new Settings().withQueryPoolable(QueryPoolable.FALSE)), "not poolable");
        assertTrue(allowed(new Settings().withQueryPoolable(QueryPoolable.DEFAULT)));
        assertFalse(allowed(new Settings().withFetchServerOutputSize(1)), "server output");
        assertTrue(allowed(new Settings().withFetchServerOutputSize(0)), "no server output");
        assertFalse(allowed(new Settings().withDiagnosticsConnection(DiagnosticsConnection.ON)), "diagnostics");
        assertTrue(allowed(new Settings().withDiagnosticsConnection(DiagnosticsConnection.DEFAULT)));
        assertTrue(allowed(new Settings().withDiagnosticsConnection(DiagnosticsConnection.OFF)));
    }

    @Test
    void aSettingThatTurnsTheDirectPathOffSendsTheUpdateThroughJooq() {
        long id = newDocument("timeout", "");
        DSLContext ctx = DSL.using(database.dataSource(), SQLDialect.POSTGRES, new Settings().withQueryTimeout(5));
        assertEquals(1, Occ.using(ctx).update(DOCUMENT).set(DOCUMENT.TITLE, "through jOOQ").where(DOCUMENT.ID.eq(id))
                .lockingPolicy(optimistic(DOCUMENT.VERSION, 1L)).execute());
        assertEquals(0, DirectUpdate.cachedShapes(), "nothing rendered for the direct path");
        assertEquals("through jOOQ", document(id).getTitle());
    }

    @Test
    void theOptOutWinsOverEverything() {
        DSLContext ctx = DSL.using(SQLDialect.POSTGRES);
        ctx.configuration().data(Occ.DIRECT_EXECUTION, false);
        assertFalse(DirectUpdate.allowed(ctx.configuration()));
        ctx.configuration().data(Occ.DIRECT_EXECUTION, true);
        assertTrue(DirectUpdate.allowed(ctx.configuration()));
        ctx.configuration().settings().setQueryTimeout(5);
        assertFalse(DirectUpdate.allowed(ctx.configuration()), "the opt-in does not bypass execution settings");
    }

    /**
     * Sets the level of slf4j-simple's logger of this name (the tests' logging binding), and gives back
     * the level it had. slf4j-simple reads levels once, when it makes a logger, so a test can only
     * change them in place.
     */
    private static int level(Class<?> loggerName, int level) throws ReflectiveOperationException {
        Object logger = LoggerFactory.getLogger(loggerName);
        Field current = logger.getClass().getDeclaredField("currentLogLevel");
        current.setAccessible(true);
        int before = current.getInt(logger);
        current.setInt(logger, level);
        return before;
    }

    private static final int TRACE = 0;
    private static final int DEBUG = 10;

    @Test
    void jooqLoggingExecutionsAtDebugOrBindValuesAtTraceTurnsTheDirectPathOff() throws ReflectiveOperationException {
        DSLContext ctx = DSL.using(SQLDialect.POSTGRES);
        assertTrue(DirectUpdate.allowed(ctx.configuration()), "jOOQ logs at INFO in these tests");
        int before = level(LoggerListener.class, DEBUG);
        try {
            assertFalse(DirectUpdate.allowed(ctx.configuration()), "jOOQ would log the execution");
            ctx.settings().setExecuteLogging(false);
            assertTrue(DirectUpdate.allowed(ctx.configuration()), "execute logging is off");
            ctx.settings().setExecuteLogging(true);
            ctx.configuration().data(Occ.DIRECT_EXECUTION, true);
            assertTrue(DirectUpdate.allowed(ctx.configuration()), "opted in despite the logging");
        } finally {
            level(LoggerListener.class, before);
        }
        DSLContext other = DSL.using(SQLDialect.POSTGRES);
        before = level(DefaultBinding.class, TRACE);
        try {
            assertFalse(DirectUpdate.allowed(other.configuration()), "jOOQ would log the bind values");
        } finally {
            level(DefaultBinding.class, before);
        }
        assertTrue(DirectUpdate.allowed(other.configuration()));
    }

    // ------------------------------------------------------------------------------------ shapes

    /** Runs the update on the direct path and says how many rows it wrote; a conflict is 0. */
    private static int run(Function<LockingDSLContext, Integer> update) {
        try {
            return update.apply(Occ.using(plain()));
        } catch (ConflictException e) {
            return 0;
        }
    }

    /** Sets the title of document {@code id} under a lock on {@code version}, see {@link #run}. */
    private static int setTitle(long id, String title, long version) {
        return run(db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, title).where(DOCUMENT.ID.eq(id))
                .lockingPolicy(optimistic(DOCUMENT.VERSION, version)).execute());
    }

    /** Sets a column of document {@code id} where {@code also} holds too, under a lock on {@code version}. */
    private static int set(long id, TableField<DocumentRecord, String> column, String value, Condition also,
            long version) {
        return run(db -> db.update(DOCUMENT).set(column, value).where(DOCUMENT.ID.eq(id)).and(also)
                .lockingPolicy(optimistic(DOCUMENT.VERSION, version)).execute());
    }

    @Test
    void updatesThatDifferOnlyInTheirBindValuesShareOneStatement() {
        long a = newDocument("a", "x");
        long b = newDocument("b", "y");
        assertEquals(1, setTitle(a, "a2", 1L));
        assertEquals(1, setTitle(b, "b2", 1L));
        assertEquals(1, DirectUpdate.cachedShapes());
        assertEquals("a2", document(a).getTitle());
        assertEquals("b2", document(b).getTitle());
    }

    @Test
    void theSetColumnIsPartOfTheShape() {
        long id = newDocument("title", "body");
        setTitle(id, "t2", 1L);
        run(db -> db.update(DOCUMENT).set(DOCUMENT.BODY, "b2").where(DOCUMENT.ID.eq(id))
                .lockingPolicy(optimistic(DOCUMENT.VERSION, 2L)).execute());
        assertEquals(2, DirectUpdate.cachedShapes());
        DocumentRecord stored = document(id);
        assertEquals("t2", stored.getTitle());
        assertEquals("b2", stored.getBody());
        assertEquals(3L, stored.getVersion());
    }

    @Test
    void theComparisonIsPartOfTheShape() {
        long id = newDocument("same", "");
        assertEquals(0, set(id, DOCUMENT.BODY, "ne", DOCUMENT.TITLE.ne("same"), 1L));
        assertEquals(1, set(id, DOCUMENT.BODY, "eq", DOCUMENT.TITLE.eq("same"), 1L));
        assertEquals(0, set(id, DOCUMENT.BODY, "lt", DOCUMENT.TITLE.lt("same"), 2L));
        assertEquals(1, set(id, DOCUMENT.BODY, "le", DOCUMENT.TITLE.le("same"), 2L));
        assertEquals(0, set(id, DOCUMENT.BODY, "gt", DOCUMENT.TITLE.gt("same"), 3L));
        assertEquals(1, set(id, DOCUMENT.BODY, "ge", DOCUMENT.TITLE.ge("same"), 3L));
        assertEquals(6, DirectUpdate.cachedShapes());
        assertEquals("ge", document(id).getBody());
        assertEquals(4L, document(id).getVersion());
    }

    @Test
    void theWhereClausesColumnsAndStructureArePartOfTheShape() {
        long id = newDocument("title", "body");
        assertEquals(0, set(id, DOCUMENT.TITLE, "x", DOCUMENT.TITLE.eq("body"), 1L));
        assertEquals(1, set(id, DOCUMENT.TITLE, "y", DOCUMENT.BODY.eq("body"), 1L));
        // AND against OR inside the where clause, beside the row's key
        assertEquals(0, set(id, DOCUMENT.TITLE, "z", DOCUMENT.TITLE.eq("y").and(DOCUMENT.BODY.eq("other")), 2L));
        assertEquals(1, set(id, DOCUMENT.TITLE, "w", DOCUMENT.TITLE.eq("y").or(DOCUMENT.BODY.eq("other")), 2L));
        assertEquals(4, DirectUpdate.cachedShapes());
        assertEquals("w", document(id).getTitle());
    }

    @Test
    void thePoliciesColumnAndKindArePartOfTheShape() {
        long id = newDocument("title", "title");
        // compare-and-set on the version column moves nothing; the optimistic policy moves it on
        assertEquals(1, run(db -> db.update(DOCUMENT).set(DOCUMENT.BODY, "cas").where(DOCUMENT.ID.eq(id))
                .lockingPolicy(compareAndSet(DOCUMENT.VERSION, 1L)).execute()));
        assertEquals(1L, document(id).getVersion());
        assertEquals(1, run(db -> db.update(DOCUMENT).set(DOCUMENT.BODY, "optimistic").where(DOCUMENT.ID.eq(id))
                .lockingPolicy(optimistic(DOCUMENT.VERSION, 1L)).execute()));
        assertEquals(2L, document(id).getVersion());
        // the compared column
        assertEquals(1, run(db -> db.update(DOCUMENT).set(DOCUMENT.BODY, "by title").where(DOCUMENT.ID.eq(id))
                .lockingPolicy(compareAndSet(DOCUMENT.TITLE, "title")).execute()));
        assertEquals(0, run(db -> db.update(DOCUMENT).set(DOCUMENT.BODY, "by body").where(DOCUMENT.ID.eq(id))
                .lockingPolicy(compareAndSet(DOCUMENT.BODY, "title")).execute()));
        assertEquals(4, DirectUpdate.cachedShapes());
        assertEquals("by title", document(id).getBody());
    }

    /** [occ#15] Updates the balance of account {@code id} to an expression, under a lock on {@code version}. */
    private static int setBalance(int id, org.jooq.Field<Integer> balance, int version) {
        return run(db -> db.update(ACCOUNT).set(ACCOUNT.BALANCE, balance).where(ACCOUNT.ID.eq(id))
                .lockingPolicy(optimistic(ACCOUNT.VERSION, version)).execute());
    }

    @Test
    void eachExpressionsOperatorOperandsAndTypeArePartOfTheShape() {
        int id = plain().insertInto(ACCOUNT, ACCOUNT.OWNER, ACCOUNT.BALANCE).values("expressions", 100)
                .returning(ACCOUNT.ID).fetchOne().getId();
        assertEquals(1, setBalance(id, ACCOUNT.BALANCE.plus(10), 1));    // 110
        assertEquals(1, setBalance(id, ACCOUNT.BALANCE.minus(10), 2));   // 100
        assertEquals(1, setBalance(id, ACCOUNT.BALANCE.times(3), 3));    // 300
        assertEquals(1, setBalance(id, ACCOUNT.BALANCE.div(2), 4));      // 150
        assertEquals(1, setBalance(id, ACCOUNT.ID.plus(1), 5));          // id + 1: another column
        assertEquals(1, setBalance(id, ACCOUNT.BALANCE.plus(ACCOUNT.ID), 6)); // 2 * id + 1: a column operand
        // 7: a bind value of its own (jOOQ coerces it to the column's type when it renders, so it is not the
        // bind value the walk saw, and the update runs through jOOQ: the render check at work)
        assertEquals(1, setBalance(id, DSL.val(7), 7));
        assertEquals(1, setBalance(id, DSL.val(7).plus(ACCOUNT.BALANCE), 8)); // 14: the operands' order
        assertEquals(7, DirectUpdate.cachedShapes(), () -> "each its own shape: " + DirectUpdate.describeCache());
        assertEquals(14, plain().fetchValue(ACCOUNT.BALANCE, ACCOUNT.ID.eq(id)));
        assertEquals(9, plain().fetchValue(ACCOUNT.VERSION, ACCOUNT.ID.eq(id)));

        // a cast's type: the same value cast to text and back, or to a timestamp of another precision
        assertEquals(1, run(db -> db.update(ACCOUNT).set(ACCOUNT.OWNER, DSL.val(12).cast(SQLDataType.VARCHAR(1)))
                .where(ACCOUNT.ID.eq(id)).lockingPolicy(optimistic(ACCOUNT.VERSION, 9)).execute()));
        assertEquals(1, run(db -> db.update(ACCOUNT).set(ACCOUNT.OWNER, DSL.val(12).cast(SQLDataType.VARCHAR(5)))
                .where(ACCOUNT.ID.eq(id)).lockingPolicy(optimistic(ACCOUNT.VERSION, 10)).execute()));
        assertEquals("12", plain().fetchValue(ACCOUNT.OWNER, ACCOUNT.ID.eq(id)), "varchar(5) holds 12 whole");
        assertEquals(9, DirectUpdate.cachedShapes(), () -> "casts to other types: " + DirectUpdate.describeCache());
    }

    @Test
    void theTableIsPartOfTheShape() {
        long doc = newDocument("doc", "");
        int res = plain().insertInto(RESOURCE, RESOURCE.NAME, RESOURCE.DATA).values("res", JSONB.valueOf("{}"))
                .returning(RESOURCE.ID).fetchOne().getId();
        assertEquals(1, setTitle(doc, "doc2", 1L));
        assertEquals(1, run(db -> db.update(RESOURCE).set(RESOURCE.NAME, "res2").where(RESOURCE.ID.eq(res))
                .lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute()));
        assertEquals(2, DirectUpdate.cachedShapes());
        assertEquals("res2", plain().fetchValue(RESOURCE.NAME, RESOURCE.ID.eq(res)));
    }

    // ------------------------------------------------------------------------------------ no shape

    @Test
    void updatesThatAreNotSimpleHaveNoShapeAndRunThroughJooq() {
        long id = newDocument("plain", "plain");
        Param<Long> twice = DSL.val(id);
        Converter<String, String> same = Converter.ofNullable(String.class, String.class, s -> s, s -> s);
        List<Function<LockingDSLContext, LockingUpdateConditionStep<DocumentRecord>>> updates = List.of(
                db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, DOCUMENT.TITLE.concat("!")).where(DOCUMENT.ID.eq(id)),
                db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, "plain like").where(DOCUMENT.ID.eq(id))
                        .and(DOCUMENT.TITLE.like("plain%")),
                db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, "plain or").where(DOCUMENT.ID.eq(id))
                        .and(DOCUMENT.TITLE.eq("x").or(DOCUMENT.TITLE.like("plain%"))),
                db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, DSL.inline("plain inline")).where(DOCUMENT.ID.eq(id)),
                db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, DSL.param("named", "plain named")).where(DOCUMENT.ID.eq(id)),
                db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, "plain twice").where(DOCUMENT.ID.eq(twice))
                        .and(DOCUMENT.ID.eq(twice)),
                db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, "plain decimal").where(DOCUMENT.ID.eq(id))
                        .and(DSL.val(BigDecimal.ONE).eq(DSL.val(new BigDecimal("1.0")))),
                db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, DSL.val("plain converted",
                        SQLDataType.CLOB.asConvertedDataType(same))).where(DOCUMENT.ID.eq(id)));
        long version = 1;
        for (var update : updates) {
            long expected = version++;
            assertEquals(1, update.apply(Occ.using(plain())).lockingPolicy(optimistic(DOCUMENT.VERSION, expected))
                    .execute());
            assertEquals(0, DirectUpdate.cachedShapes(), () -> "no shape: " + DirectUpdate.describeCache());
        }
        DocumentRecord stored = document(id);
        assertEquals("plain converted", stored.getTitle());
        assertEquals(version, stored.getVersion());
    }

    @Test
    void atMost32BindValuesMakeAShape() {
        long id = newDocument("many", "");
        // one SET value, the key, n more conditions and the version: 32 bind values have a shape, 33 none
        Function<Integer, Integer> update = n -> Occ.using(plain()).update(DOCUMENT).set(DOCUMENT.BODY, "n = " + n)
                .where(DOCUMENT.ID.eq(id)).and(DSL.and(IntStream.range(0, n)
                        .mapToObj(i -> DOCUMENT.TITLE.ne("other " + i)).toList()))
                .lockingPolicy(optimistic(DOCUMENT.VERSION, n == 29 ? 1L : 2L)).execute();
        assertEquals(1, update.apply(29));
        assertEquals(1, DirectUpdate.cachedShapes(), "32 bind values");
        assertEquals(1, update.apply(30));
        assertEquals(1, DirectUpdate.cachedShapes(), "33 bind values");
        assertEquals("n = 30", document(id).getBody());
    }

    @Test
    void theCacheDescribesItsShapesWithoutValues() {
        long id = newDocument("described", "");
        setTitle(id, "described", 1L);
        String described = DirectUpdate.describeCache();
        assertTrue(described.contains("UpdateShape[") && described.contains("title")
                && described.contains("update \"public\".\"document\" set \"title\" = ?"), described);
    }

    // ------------------------------------------------------------------------------------ full caches

    /** Captures what the direct path logs (java.util.logging, the default System.Logger). */
    static final class Captured extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** The comparisons of a where clause that are all true for a row whose title and body are "m". */
    private static final List<BiFunction<org.jooq.TableField<DocumentRecord, String>, String, Condition>> TRUE_FOR_M =
            List.of((f, v) -> f.eq("m"), (f, v) -> f.ne("x"), (f, v) -> f.lt("z"), (f, v) -> f.le("m"),
                    (f, v) -> f.gt("a"), (f, v) -> f.ge("m"));

    /** The where clause of shape {@code n}: a distinct sequence of comparisons, each true for the row. */
    private static Condition shape(long id, int n) {
        Condition c = DOCUMENT.ID.eq(id);
        int rest = n;
        do {
            int pick = rest % 12;
            rest /= 12;
            c = c.and(TRUE_FOR_M.get(pick % 6).apply(pick < 6 ? DOCUMENT.TITLE : DOCUMENT.BODY, "m"));
        } while (rest > 0);
        return c;
    }

    /**
     * Fills the shape cache with shapes {@code from} to {@code to} (exclusive) on a context without
     * connection: the direct path renders and keeps each shape, then finds no connection and leaves
     * the update to jOOQ, which refuses it. No round trip, so a thousand shapes take little time.
     */
    private static void fill(long id, int from, int to) {
        DSLContext detached = DSL.using(SQLDialect.POSTGRES);
        for (int n = from; n < to; n++) {
            Condition where = shape(id, n);
            assertThrows(DetachedException.class, () -> Occ.using(detached).update(DOCUMENT).set(DOCUMENT.TITLE, "m")
                    .where(where).lockingPolicy(optimistic(DOCUMENT.VERSION, 1L)).execute());
        }
    }

    @Test
    void aFullShapeCacheSendsFurtherShapesThroughJooqAndSaysSoOnce() {
        long id = newDocument("m", "m");
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(DirectUpdate.class.getName());
        Captured captured = new Captured();
        log.addHandler(captured);
        try {
            fill(id, 0, 1023);
            // the 1024th shape is kept, on the real database
            assertEquals(1, run(db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, "m").where(shape(id, 1023))
                    .lockingPolicy(optimistic(DOCUMENT.VERSION, 1L)).execute()));
            assertEquals(1024, DirectUpdate.cachedShapes());
            assertEquals(0, captured.records.size());
            // the 1025th and 1026th run through jOOQ; the first of them says so
            for (int n = 1024; n < 1026; n++) {
                long version = n - 1022L;
                Condition where = shape(id, n);
                assertEquals(1, Occ.using(plain()).update(DOCUMENT).set(DOCUMENT.TITLE, "m").where(where)
                        .lockingPolicy(optimistic(DOCUMENT.VERSION, version)).execute(), "shape " + n);
            }
            assertEquals(1024, DirectUpdate.cachedShapes());
            assertEquals(4L, document(id).getVersion());
            assertEquals(1, captured.records.size(), "said once");
            assertTrue(captured.records.get(0).getMessage().startsWith("occ: the direct path's cache holds 1024 "
                    + "statement shapes, its maximum"), captured.records.get(0).getMessage());

            // emptied, the cache fills again, and says so again when it is full again
            DirectUpdate.clearCaches();
            fill(id, 0, 1024);
            assertEquals(1, run(db -> db.update(DOCUMENT).set(DOCUMENT.TITLE, "m").where(shape(id, 1024))
                    .lockingPolicy(optimistic(DOCUMENT.VERSION, 4L)).execute()));
        } finally {
            log.removeHandler(captured);
        }
        assertEquals(1024, DirectUpdate.cachedShapes());
        assertEquals(2, captured.records.size());
        assertEquals(5L, document(id).getVersion());
    }

    @Test
    void atMost64SettingsAreKeptAndFurtherOnesRunThroughJooq() {
        long id = newDocument("settings", "");
        for (int n = 0; n < 63; n++) {
            DSLContext detached = DSL.using(SQLDialect.POSTGRES, new Settings().withBatchSize(n + 1));
            assertThrows(DetachedException.class, () -> Occ.using(detached).update(DOCUMENT).set(DOCUMENT.BODY, "s")
                    .where(DOCUMENT.ID.eq(id)).lockingPolicy(optimistic(DOCUMENT.VERSION, 1L)).execute());
        }
        assertEquals(63, DirectUpdate.cachedShapes());
        for (int n = 63; n < 66; n++) { // the 64th settings are kept, the 65th and 66th are not
            DSLContext ctx = DSL.using(database.dataSource(), SQLDialect.POSTGRES, new Settings().withBatchSize(n + 1));
            assertEquals(1, Occ.using(ctx).update(DOCUMENT).set(DOCUMENT.BODY, "settings " + n).where(DOCUMENT.ID.eq(id))
                    .lockingPolicy(optimistic(DOCUMENT.VERSION, n - 62L)).execute(), "settings " + n);
        }
        assertEquals(64, DirectUpdate.cachedShapes(), "one shape per settings kept");
        assertEquals("settings 65", document(id).getBody());

        DirectUpdate.clearCaches();
        DSLContext ctx = DSL.using(database.dataSource(), SQLDialect.POSTGRES, new Settings().withBatchSize(1000));
        assertEquals(1, Occ.using(ctx).update(DOCUMENT).set(DOCUMENT.BODY, "emptied").where(DOCUMENT.ID.eq(id))
                .lockingPolicy(optimistic(DOCUMENT.VERSION, 4L)).execute());
        assertEquals(1, DirectUpdate.cachedShapes(), "emptied, the settings cache takes new settings again");
    }
}
