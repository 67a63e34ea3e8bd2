package dev.occ.internal.direct;

import static dev.occ.Occ.optimistic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.LockingUpdateSetMoreStep;
import dev.occ.Occ;
import dev.occ.postgres.TestDatabaseExtension;
import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;
import org.jooq.impl.Internal;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The direct path's shape cache holds no user data, measured on the heap: {@value #SHAPES} distinct
 * shapes of locked updates on real PostgreSQL, the first update of each carrying a 1 MB string,
 * leave the used heap (after forced collections) grown by far less than the 300 MB the cache would
 * hold if it kept bind values; a control run that does keep the strings shows that the measurement
 * sees such a leak.
 */
class DirectUpdateHeapTest {

    static final int COLUMNS = 9; // 2^9 - 1 = 511 non-empty sets of columns, more than SHAPES
    static final int SHAPES = 300;
    static final int MB = 1 << 20;

    /** A table this test creates: id, a counter version and {@value #COLUMNS} text columns. */
    static final class Wide extends TableImpl<Record> {
        private static final long serialVersionUID = 1L;
        final TableField<Record, Integer> id = createField(DSL.name("id"), SQLDataType.INTEGER.nullable(false), this, "");
        final TableField<Record, Integer> version = createField(DSL.name("version"),
                SQLDataType.INTEGER.nullable(false), this, "");
        final List<TableField<Record, String>> texts = new ArrayList<>();

        Wide() {
            super(DSL.name("heap_wide"));
            for (int c = 0; c < COLUMNS; c++) {
                texts.add(createField(DSL.name("c" + c), SQLDataType.CLOB, this, ""));
            }
        }

        @Override
        public UniqueKey<Record> getPrimaryKey() {
            return Internal.createUniqueKey(this, DSL.name("heap_wide_pkey"), id);
        }
    }

    static final Wide WIDE = new Wide();

    @RegisterExtension
    static final TestDatabaseExtension DATABASE = TestDatabaseExtension.migrated();
    static Connection connection;
    static DSLContext ctx;

    @BeforeAll
    static void database() throws Exception {
        connection = DATABASE.connect();
        ctx = DSL.using(connection, SQLDialect.POSTGRES); // no listener: the direct path applies
        StringBuilder ddl = new StringBuilder("create table heap_wide (id integer primary key, "
                + "version integer not null default 1");
        for (int c = 0; c < COLUMNS; c++) {
            ddl.append(", c").append(c).append(" text");
        }
        ctx.execute(ddl.append(")").toString());
        ctx.execute("insert into heap_wide (id) values (1), (2)");
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
    }

    /**
     * Runs {@value #SHAPES} shapes on row {@code id}: shape {@code s} sets the columns of the bits of
     * {@code s + 1}; its first update sets its first column to a fresh 1 MB string, handed to
     * {@code seen}, its second sets small values (so that the row does not keep the big ones).
     */
    private static void runShapes(int id, Consumer<String> seen) {
        int version = ctx.fetchValue(WIDE.version, WIDE.id.eq(id));
        for (int s = 0; s < SHAPES; s++) {
            int columns = s + 1;
            String big = Character.toString('a' + s % 26).repeat(MB - 1) + s; // a new 1 MB string each time
            seen.accept(big);
            version = update(id, columns, big, version);
            version = update(id, columns, "small", version);
        }
    }

    private static int update(int id, int columns, String first, int version) {
        LockingUpdateSetMoreStep<Record> set = null;
        for (int c = 0; c < COLUMNS; c++) {
            if ((columns & (1 << c)) != 0) {
                String value = set == null ? first : "v" + c;
                set = set == null ? Occ.using(ctx).update(WIDE).set(WIDE.texts.get(c), value)
                        : set.set(WIDE.texts.get(c), value);
            }
        }
        assertEquals(1, set.where(WIDE.id.eq(id)).lockingPolicy(optimistic(WIDE.version, version)).execute());
        return version + 1;
    }

    /** The used heap after collections that certainly ran (a weakly reachable sentinel was cleared). */
    private static long usedHeapAfterGc() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            WeakReference<Object> sentinel = new WeakReference<>(new Object());
            for (int i = 0; i < 50 && sentinel.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertTrue(sentinel.get() == null, "the collector did not run");
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void threeHundredShapesWithOneMegabyteValuesLeaveTheHeapAsItWas() throws InterruptedException {
        // warm up: jOOQ's and the driver's own one-time structures, outside the measurement
        DirectUpdate.clearCaches();
        runShapes(2, big -> { });
        DirectUpdate.clearCaches();

        // the control: the same updates, the strings deliberately kept
        List<String> kept = new ArrayList<>();
        long beforeControl = usedHeapAfterGc();
        runShapes(2, kept::add);
        long control = usedHeapAfterGc() - beforeControl;
        assertEquals(SHAPES, kept.size());
        kept.clear();
        DirectUpdate.clearCaches();

        long before = usedHeapAfterGc();
        runShapes(1, big -> { });
        long grown = usedHeapAfterGc() - before;

        assertEquals(SHAPES, DirectUpdate.cachedShapes(), "each shape ran through the direct path and is cached");
        System.out.printf("[occ heap] %d shapes with 1 MB values: used heap grew by %d bytes (%.1f MB); the control"
                + " that keeps the values grew by %d bytes (%.1f MB)%n", SHAPES, grown, grown / (double) MB, control,
                control / (double) MB);
        assertTrue(control > SHAPES * (long) MB * 9 / 10, "the measurement sees kept values: " + control + " bytes");
        assertTrue(grown < 20L * MB, "the cache keeps user data: the heap grew by " + grown + " bytes");
    }
}
