package dev.occ.internal;

import static dev.occ.Occ.optimistic;
import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.ConflictException;
import dev.occ.Occ;
import dev.occ.postgres.TestDatabaseExtension;
import java.time.LocalDateTime;
import java.util.TimeZone;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.Internal;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** [occ#10] The diagnosis names what really ran, and does not claim a change that did not happen. */
class DiagnosisTest {

    @RegisterExtension
    static final TestDatabaseExtension DATABASE = TestDatabaseExtension.migrated();

    @Test
    void aConflictNamesTheMappedSchemaThatWasWritten() {
        DSLContext plain = DATABASE.dsl();
        plain.execute("create schema tenant_a");
        plain.execute("create table tenant_a.resource (like public.resource including all)");
        plain.execute("insert into tenant_a.resource (name, data, version) overriding system value "
                + "select 'tenant row', '{}', 3 from generate_series(1, 1)");
        int id = plain.fetchOne("select id from tenant_a.resource").get(0, Integer.class);
        DSLContext tenant = DSL.using(DATABASE.dataSource(), SQLDialect.POSTGRES, new Settings().withRenderMapping(
                new RenderMapping().withSchemata(new MappedSchema().withInput("public").withOutput("tenant_a"))));
        ConflictException e = assertThrows(ConflictException.class, () -> Occ.using(tenant).update(RESOURCE)
                .set(RESOURCE.NAME, "x").where(RESOURCE.ID.eq(id)).lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute());
        assertEquals("Conflict on tenant_a.resource (id = " + id + "): expected version = 1, but the row has version = 3; "
                + "another transaction changed it since it was read. Re-read the row and retry, or report the conflict "
                + "(HTTP 409)", e.getMessage());
        assertEquals(3, e.actualVersion());
    }

    /** A table whose version is a {@code timestamp without time zone}, read as {@code LocalDateTime}. */
    static final class Local extends TableImpl<Record> {
        static final Local LOCAL = new Local();
        final TableField<Record, Integer> ID = createField(DSL.name("id"), SQLDataType.INTEGER.nullable(false), this);
        final TableField<Record, LocalDateTime> VERSION = createField(DSL.name("version"),
                SQLDataType.LOCALDATETIME(6).nullable(false), this);

        Local() {
            super(DSL.name("local_version"));
        }

        @Override
        public UniqueKey<Record> getPrimaryKey() {
            return Internal.createUniqueKey(this, ID);
        }
    }

    @Test
    void aVersionThatDoesNotRoundTripIsNotCalledChangedAndChangedBack() {
        TimeZone zone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try {
            DSLContext ctx = DATABASE.dsl();
            ctx.execute("create table local_version (id int primary key, version timestamp not null)");
            // 02:30 on 29 March 2026 does not exist in Berlin: clocks jump from 02:00 to 03:00
            ctx.execute("insert into local_version values (1, '2026-03-29 02:30:00')");
            Local t = Local.LOCAL;
            LocalDateTime read = ctx.fetchValue(t.VERSION, t.ID.eq(1));
            ConflictException e = assertThrows(ConflictException.class, () -> Occ.using(ctx).update(t)
                    .set(t.ID, 1).where(t.ID.eq(1)).lockingPolicy(optimistic(t.VERSION, read)).execute());
            assertFalse(e.getMessage().contains("changed and changed back"), e.getMessage());
            assertTrue(e.getMessage().contains("does not survive the round trip") && e.getMessage().contains("timestamptz")
                    && e.getMessage().contains("Europe/Berlin"), e.getMessage());
            assertEquals(read, e.actualVersion());
        } finally {
            TimeZone.setDefault(zone);
        }
    }
}
