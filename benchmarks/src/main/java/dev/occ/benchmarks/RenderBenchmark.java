package dev.occ.benchmarks;

import static dev.occ.Occ.optimistic;
import static dev.occ.benchmarks.db.Tables.RESOURCE;

import dev.occ.LockedUpdate;
import dev.occ.LockingDSLContext;
import dev.occ.Occ;
import dev.occ.benchmarks.db.tables.records.ResourceRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record1;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.UpdateConditionStep;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockExecuteContext;
import org.jooq.tools.jdbc.MockResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 4: the client's own cost of one locked update, without a database. Building the
 * statement, rendering its SQL, and the whole execution through jOOQ down to a JDBC
 * {@code PreparedStatement} of jOOQ's {@link MockConnection}, which answers "1 row updated" at once
 * (and a statement with {@code RETURNING} with one row of the version column); raw JDBC on the same
 * mock is the floor. Scenario 1b's statements too: the realistic update of {@code account} and the
 * update returning the new version.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class RenderBenchmark {

    private DSLContext ctx;
    private LockingDSLContext db;
    private Connection mock;
    private DSLContext mockCtx;
    private LockingDSLContext mockDb;
    private LockingDSLContext mockDbThroughJooq;
    private PreparedStatement mockStatement;
    private PreparedStatement mockRealisticStatement;
    private PreparedStatement mockReturningStatement;
    private int i;

    @Setup
    public void setUp() throws SQLException {
        ctx = DSL.using(SQLDialect.POSTGRES);
        db = Occ.using(ctx);
        mock = new MockConnection(mockAnswers());
        mockCtx = DSL.using(mock, SQLDialect.POSTGRES);
        mockDb = Occ.using(mockCtx);
        DSLContext throughJooq = DSL.using(mock, SQLDialect.POSTGRES);
        throughJooq.configuration().data(OccDsl.DIRECT_EXECUTION, false);
        mockDbThroughJooq = Occ.using(throughJooq);
        mockStatement = mock.prepareStatement(RawJdbc.SQL);
        mockRealisticStatement = mock.prepareStatement(Realistic.RawRealistic.SQL);
        mockReturningStatement = mock.prepareStatement(Returning.RawReturning.SQL);
    }

    /**
     * The version the mock returns: none of the versions the benchmarks expect ({@code 1 ..}
     * {@value Contender#VALUES}), since occ refuses a version that did not move on, and small enough
     * for {@link Integer#valueOf(int)}'s cache, so that reading it allocates nothing.
     */
    static final int MOCK_VERSION = 0;

    /**
     * The mock database: "1 row updated" for every statement, and for one with {@code RETURNING}
     * also that row's new version ({@link #MOCK_VERSION}), as a one-row result of
     * {@code RESOURCE.VERSION} (built once: the mock's result set only reads it).
     */
    static org.jooq.tools.jdbc.MockDataProvider mockAnswers() {
        DSLContext results = DSL.using(SQLDialect.POSTGRES);
        Result<Record1<Integer>> version = results.newResult(RESOURCE.VERSION);
        Record1<Integer> row = results.newRecord(RESOURCE.VERSION);
        row.value1(MOCK_VERSION);
        version.add(row);
        MockResult[] updated = { new MockResult(1) };
        MockResult[] returned = { new MockResult(1, version) };
        return (MockExecuteContext c) -> returning(c.sql()) ? returned : updated;
    }

    /** Whether {@code sql} has a RETURNING clause (without allocating: the mock's cost is everyone's). */
    static boolean returning(String sql) {
        String word = "returning";
        for (int k = sql.length() - word.length(); k >= 0; k--) {
            if (sql.regionMatches(true, k, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    @TearDown
    public void tearDown() throws SQLException {
        mockStatement.close();
        mockRealisticStatement.close();
        mockReturningStatement.close();
        mock.close();
    }

    private int next() {
        return i = (i + 1) & (Contender.VALUES - 1);
    }

    static LockedUpdate<ResourceRecord> occUpdate(LockingDSLContext db, int v) {
        return db.update(RESOURCE)
                .set(RESOURCE.NAME, Contender.NAMES[v])
                .set(RESOURCE.DATA, JSONB.valueOf(Contender.JSONS[v]))
                .where(RESOURCE.ID.eq(v))
                .lockingPolicy(optimistic(RESOURCE.VERSION, v + 1));
    }

    static UpdateConditionStep<ResourceRecord> jooqUpdate(DSLContext ctx, int v) {
        return ctx.update(RESOURCE)
                .set(RESOURCE.NAME, Contender.NAMES[v])
                .set(RESOURCE.DATA, JSONB.valueOf(Contender.JSONS[v]))
                .set(RESOURCE.VERSION, RESOURCE.VERSION.plus(1))
                .where(RESOURCE.ID.eq(v))
                .and(RESOURCE.VERSION.eq(v + 1));
    }

    /** occ: build the statement (no SQL yet). */
    @Benchmark
    public Object occBuild() {
        return occUpdate(db, next());
    }

    /** Plain jOOQ: build the statement. */
    @Benchmark
    public Object jooqBuild() {
        return jooqUpdate(ctx, next());
    }

    /** occ: build and render the SQL. */
    @Benchmark
    public String occBuildRender() {
        return occUpdate(db, next()).getSQL();
    }

    /** Plain jOOQ: build and render the SQL. */
    @Benchmark
    public String jooqBuildRender() {
        return jooqUpdate(ctx, next()).getSQL();
    }

    /** occ: build, then execute directly (SQL rendered once per shape) on jOOQ's mock JDBC connection. */
    @Benchmark
    public int occExecuteMock() {
        return occUpdate(mockDb, next()).execute();
    }

    /** occ with its direct execution off: build, render, bind and execute through jOOQ on the mock. */
    @Benchmark
    public int occExecuteMockThroughJooq() {
        return occUpdate(mockDbThroughJooq, next()).execute();
    }

    /** Plain jOOQ: build, render, bind and execute on the mock connection. */
    @Benchmark
    public int jooqExecuteMock() {
        return jooqUpdate(mockCtx, next()).execute();
    }

    /** occ, scenario 1b (a): build the realistic account update, then execute it (directly where occ can) on the mock. */
    @Benchmark
    public int occRealisticExecuteMock() {
        int v = next();
        return Realistic.OccRealistic.execute(mockDb, v, v, v + 1);
    }

    /** occ, scenario 1b (b): build the update with {@code .returning(RESOURCE.VERSION)}, fetch the one row on the mock. */
    @Benchmark
    public int occReturningExecuteMock() {
        int v = next();
        return Returning.newVersion(Returning.OccReturning.fetch(mockDb, v, v, v + 1), "occReturningExecuteMock");
    }

    /** Raw JDBC, scenario 1b (a): bind and execute a reused PreparedStatement of the realistic update on the mock. */
    @Benchmark
    public int rawJdbcRealisticMock() throws SQLException {
        int v = next();
        return Realistic.RawRealistic.execute(mockRealisticStatement, v, v, v + 1);
    }

    /** Raw JDBC, scenario 1b (b): bind, {@code executeQuery} the reused UPDATE .. RETURNING and read the version on the mock. */
    @Benchmark
    public int rawJdbcReturningMock() throws SQLException {
        int v = next();
        return Returning.RawReturning.execute(mockReturningStatement, v, v, v + 1, "rawJdbcReturningMock");
    }

    /** Raw JDBC: bind and execute a reused PreparedStatement of the mock connection. */
    @Benchmark
    public int rawJdbcMock() throws SQLException {
        int v = next();
        mockStatement.setString(1, Contender.NAMES[v]);
        mockStatement.setString(2, Contender.JSONS[v]);
        mockStatement.setInt(3, v);
        mockStatement.setInt(4, v + 1);
        return mockStatement.executeUpdate();
    }
}
