package dev.occ;

import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * A worker process of {@code WorkQueueProcessTest}: runs the work queue over {@code work_item} with
 * one worker until the queue is empty. Arguments: JDBC URL, user, password, the worker's name, and
 * how long to hold its first chunk before committing it (ms). It prints {@code CLAIMED <ids>} once
 * it holds its first chunk, and {@code DONE <rows>} at the end.
 */
public final class WorkQueueChild {

    private WorkQueueChild() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[3];
        long holdFirst = Long.parseLong(args[4]);
        // one connection: this process runs one worker, whose transactions come one after another
        DSLContext ctx = DSL.using(args[0], args[1], args[2]);
        AtomicBoolean first = new AtomicBoolean(true);
        WorkQueue.Report report = WorkQueue.builder(WorkItems.T).pending(WorkItems.T.DONE.isFalse())
                .orderBy(WorkItems.T.ID).chunkSize(50).build()
                .run(ctx, 1, (cfg, chunk) -> {
                    WorkItems.process(cfg, chunk, name);
                    if (first.getAndSet(false)) {
                        System.out.println("CLAIMED " + chunk.getValues(WorkItems.T.ID));
                        System.out.flush();
                        Thread.sleep(holdFirst);
                    }
                });
        System.out.println("DONE " + report.rows());
    }
}
