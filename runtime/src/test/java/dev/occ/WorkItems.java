package dev.occ;

import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;
import org.jooq.impl.Internal;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;

/**
 * The work queue tests' table: {@code work_item(id, processed, done, worker)}, where a processor
 * adds 1 to {@code processed}, so that a row processed twice shows it.
 */
final class WorkItems extends TableImpl<Record> {

    static final WorkItems T = new WorkItems();

    final TableField<Record, Integer> ID = createField(DSL.name("id"), SQLDataType.INTEGER.nullable(false), this);
    final TableField<Record, Integer> PROCESSED = createField(DSL.name("processed"), SQLDataType.INTEGER.nullable(false), this);
    final TableField<Record, Boolean> DONE = createField(DSL.name("done"), SQLDataType.BOOLEAN.nullable(false), this);
    final TableField<Record, String> WORKER = createField(DSL.name("worker"), SQLDataType.CLOB, this);

    private WorkItems() {
        super(DSL.name("work_item"));
    }

    @Override
    public UniqueKey<Record> getPrimaryKey() {
        return Internal.createUniqueKey(this, ID);
    }

    /** (Re)creates the table with {@code rows} pending rows. */
    static void create(DSLContext ctx, int rows) {
        ctx.execute("drop table if exists work_item");
        ctx.execute("create table work_item (id int primary key, processed int not null default 0, "
                + "done boolean not null default false, worker text)");
        ctx.execute("insert into work_item (id) select g from generate_series(1, " + rows + ") g");
    }

    /** The processor of the tests: marks the chunk done by {@code worker}, one statement. */
    static void process(org.jooq.Configuration cfg, org.jooq.Result<Record> chunk, String worker) {
        cfg.dsl().update(T).set(T.PROCESSED, T.PROCESSED.plus(1)).set(T.DONE, true).set(T.WORKER, worker)
                .where(T.ID.in(chunk.getValues(T.ID))).execute();
    }
}
