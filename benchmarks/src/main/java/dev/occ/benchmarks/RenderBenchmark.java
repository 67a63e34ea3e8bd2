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
import org.jooq.SQLDialect;
import org.jooq.UpdateConditionStep;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.MockConnection;
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
 * {@code PreparedStatement} of jOOQ's {@link MockConnection}, which answers "1 row updated" at once;
 * raw JDBC on the same mock is the floor.
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
    private int i;

    @Setup
    public void setUp() throws SQLException {
        ctx = DSL.using(SQLDialect.POSTGRES);
        db = Occ.using(ctx);
        mock = new MockConnection(c -> new MockResult[] { new MockResult(1) });
        mockCtx = DSL.using(mock, SQLDialect.POSTGRES);
        mockDb = Occ.using(mockCtx);
        DSLContext throughJooq = DSL.using(mock, SQLDialect.POSTGRES);
        throughJooq.configuration().data(OccDsl.DIRECT_EXECUTION, false);
        mockDbThroughJooq = Occ.using(throughJooq);
        mockStatement = mock.prepareStatement(RawJdbc.SQL);
    }

    @TearDown
    public void tearDown() throws SQLException {
        mockStatement.close();
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
