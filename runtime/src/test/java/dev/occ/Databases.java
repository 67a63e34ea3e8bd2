package dev.occ;

import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;

/** Test helpers: a statement counter (databases come from {@code dev.occ.postgres.TestDatabaseExtension}). */
final class Databases {

    private Databases() {
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
