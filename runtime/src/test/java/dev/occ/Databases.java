package dev.occ;

import dev.occ.postgres.TestDatabase;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;

/** Test helpers: a fresh migrated database per test class, and a statement counter. */
final class Databases {

    private Databases() {
    }

    /** A jOOQ context on a fresh database migrated from occ-schema, counting the statements it sends. */
    static DSLContext fresh(Class<?> testClass, StatementCounter counter) {
        TestDatabase db = TestDatabase.create(testClass.getSimpleName());
        return DSL.using(new DefaultConfiguration()
                .set(db.dataSource())
                .set(SQLDialect.POSTGRES)
                .set(counter));
    }

    /** Counts the statements jOOQ executes. */
    static final class StatementCounter implements ExecuteListener {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public void executeStart(ExecuteContext ctx) {
            count.incrementAndGet();
        }

        int reset() {
            return count.getAndSet(0);
        }
    }
}
