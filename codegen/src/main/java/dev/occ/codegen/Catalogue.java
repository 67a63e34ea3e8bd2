package dev.occ.codegen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.meta.Database;
import org.jooq.meta.TableDefinition;

/**
 * What occ's decisions need from PostgreSQL's catalogue beyond what jOOQ-meta reads: which tables are
 * partitions (and of which parent), which tables have {@code BEFORE UPDATE} row triggers (with their
 * functions' source), and which columns PostgreSQL computes ({@code GENERATED ALWAYS AS ... STORED}).
 * Read once per generation, on the connection jOOQ-meta uses; empty for a database of another
 * dialect.
 */
final class Catalogue {

    /** A {@code BEFORE UPDATE ... FOR EACH ROW} trigger and the source of its function. */
    record Trigger(String name, String function, String source) {
    }

    /** pg_trigger.tgtype bits: a row trigger, fired before, on update. */
    private static final int ROW = 1;
    private static final int BEFORE = 2;
    private static final int UPDATE = 16;

    private final Map<String, String> partitionParents;
    private final Map<String, List<Trigger>> beforeUpdateTriggers;
    private final Map<String, List<String>> generatedColumns;

    private Catalogue(Map<String, String> partitionParents, Map<String, List<Trigger>> beforeUpdateTriggers,
            Map<String, List<String>> generatedColumns) {
        this.partitionParents = partitionParents;
        this.beforeUpdateTriggers = beforeUpdateTriggers;
        this.generatedColumns = generatedColumns;
    }

    /**
     * @param database the database being generated from, connected
     * @return the facts of its PostgreSQL catalogue
     */
    static Catalogue read(Database database) {
        if (database.getDialect().family() != SQLDialect.POSTGRES) {
            return new Catalogue(Map.of(), Map.of(), Map.of());
        }
        DSLContext ctx = database.create();
        Map<String, String> parents = new HashMap<>();
        for (Record r : ctx.fetch("""
                select n.nspname, c.relname, pn.nspname, p.relname
                from pg_catalog.pg_class c
                join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                join pg_catalog.pg_inherits i on i.inhrelid = c.oid
                join pg_catalog.pg_class p on p.oid = i.inhparent
                join pg_catalog.pg_namespace pn on pn.oid = p.relnamespace
                where c.relispartition""")) {
            parents.put(key(r.get(0, String.class), r.get(1, String.class)),
                    Sql.identifier(r.get(2, String.class)) + "." + Sql.identifier(r.get(3, String.class)));
        }
        Map<String, List<Trigger>> triggers = new HashMap<>();
        for (Record r : ctx.fetch("""
                select n.nspname, c.relname, t.tgname, pn.nspname || '.' || p.proname, p.prosrc
                from pg_catalog.pg_trigger t
                join pg_catalog.pg_class c on c.oid = t.tgrelid
                join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                join pg_catalog.pg_proc p on p.oid = t.tgfoid
                join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace
                where not t.tgisinternal and t.tgenabled <> 'D' and t.tgtype & ? = ?
                order by t.tgname""", ROW | BEFORE | UPDATE, ROW | BEFORE | UPDATE)) {
            triggers.computeIfAbsent(key(r.get(0, String.class), r.get(1, String.class)), k -> new ArrayList<>())
                    .add(new Trigger(r.get(2, String.class), r.get(3, String.class), r.get(4, String.class)));
        }
        Map<String, List<String>> generated = new HashMap<>();
        for (Record r : ctx.fetch("""
                select n.nspname, c.relname, a.attname
                from pg_catalog.pg_attribute a
                join pg_catalog.pg_class c on c.oid = a.attrelid
                join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                where a.attgenerated = 's' and a.attnum > 0 and not a.attisdropped
                order by a.attnum""")) {
            generated.computeIfAbsent(key(r.get(0, String.class), r.get(1, String.class)), k -> new ArrayList<>())
                    .add(r.get(2, String.class));
        }
        return new Catalogue(parents, triggers, generated);
    }

    private static String key(String schema, String table) {
        return schema + "\0" + table;
    }

    private static String key(TableDefinition table) {
        return key(table.getSchema() == null ? "" : table.getSchema().getName(), table.getName());
    }

    /** @return the partitioned table this table is a partition of, in SQL syntax, or {@code null} */
    String partitionParent(TableDefinition table) {
        return partitionParents.get(key(table));
    }

    /** @return the table's enabled {@code BEFORE UPDATE} row triggers, by name */
    List<Trigger> beforeUpdateTriggers(TableDefinition table) {
        return beforeUpdateTriggers.getOrDefault(key(table), List.of());
    }

    /** @return the names of the table's {@code GENERATED ALWAYS AS ... STORED} columns */
    List<String> generatedColumns(TableDefinition table) {
        return generatedColumns.getOrDefault(key(table), List.of());
    }
}
