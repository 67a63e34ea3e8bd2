package dev.occ.samples;

import static dev.occ.samples.db.Tables.AUDIT_EVENT;
import static dev.occ.samples.db.Tables.DOCUMENT;
import static dev.occ.samples.db.Tables.PLAYER;
import static dev.occ.samples.db.Tables.RESOURCE;
import static dev.occ.samples.db.Tables.TEAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.VersionKind;
import dev.occ.VersionedRecord;
import dev.occ.VersionedTable;
import dev.occ.samples.db.tables.AuditEvent;
import dev.occ.samples.db.tables.Resource;
import dev.occ.samples.db.tables.Team;
import dev.occ.samples.db.tables.records.AuditEventRecord;
import dev.occ.samples.db.tables.records.DocumentRecord;
import dev.occ.samples.db.tables.records.PlayerRecord;
import dev.occ.samples.db.tables.records.ResourceRecord;
import dev.occ.samples.db.tables.records.TeamRecord;
import java.time.OffsetDateTime;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * The classes occ's generator made of the example schema carry the version metadata the runtime
 * locks on, typed, and only on the tables that have a version column.
 */
class GeneratedClassesTest {

    @Test
    void resourceVersionsOnItsIntCounter() {
        VersionedTable<ResourceRecord, Integer> table = RESOURCE; // compiles: typed by record and Integer
        assertSame(RESOURCE.VERSION, table.versionField());
        assertEquals(VersionKind.COUNTER, table.versionKind());
        // jOOQ's own locking column is the same
        assertSame(RESOURCE.VERSION, RESOURCE.getRecordVersion());
        assertNull(RESOURCE.getRecordTimestamp());
    }

    @Test
    void playerVersionsOnItsTimestamp() {
        VersionedTable<PlayerRecord, OffsetDateTime> table = PLAYER;
        assertSame(PLAYER.UPDATED_AT, table.versionField());
        assertEquals(VersionKind.TIMESTAMP, table.versionKind());
        assertSame(PLAYER.UPDATED_AT, PLAYER.getRecordTimestamp());
        assertNull(PLAYER.getRecordVersion());
    }

    @Test
    void documentVersionsOnItsBigintCounter() {
        VersionedTable<DocumentRecord, Long> table = DOCUMENT;
        assertSame(DOCUMENT.VERSION, table.versionField());
        assertEquals(VersionKind.COUNTER, table.versionKind());
        assertSame(DOCUMENT.VERSION, DOCUMENT.getRecordVersion());
    }

    @Test
    void recordsKnowTheirVersionColumnAndValue() {
        ResourceRecord resource = new ResourceRecord();
        TableField<ResourceRecord, Integer> field = resource.versionField();
        assertSame(RESOURCE.VERSION, field);
        resource.setVersion(7);
        assertEquals(7, resource.version());
        assertSame(PLAYER.UPDATED_AT, new PlayerRecord().versionField());
        assertSame(DOCUMENT.VERSION, new DocumentRecord().versionField());
    }

    @Test
    void resourceUpdatedAtIsNotAVersion() {
        // only player.updated_at matches <recordTimestampFields>
        assertFalse(RESOURCE.versionField().equals(RESOURCE.UPDATED_AT));
    }

    @Test
    void tablesWithoutVersionColumnGetNothing() {
        assertFalse(VersionedTable.class.isAssignableFrom(AuditEvent.class));
        assertFalse(VersionedRecord.class.isAssignableFrom(AuditEventRecord.class));
        assertFalse(VersionedTable.class.isAssignableFrom(Team.class));
        assertFalse(VersionedRecord.class.isAssignableFrom(TeamRecord.class));
        assertFalse((Object) AUDIT_EVENT instanceof VersionedTable<?, ?>);
        assertFalse((Object) TEAM instanceof VersionedTable<?, ?>);
        assertTrue(VersionedTable.class.isAssignableFrom(Resource.class));
    }

    @Test
    void anAliasedTableVersionsOnItsOwnColumn() {
        Resource r = RESOURCE.as("r");
        assertEquals(DSL.name("r", "version"), r.versionField().getQualifiedName());
        assertSame(r.VERSION, r.versionField());
    }

    @Test
    void demoDescribesTheMetadata() {
        assertEquals("resource: version column version (COUNTER)", Demo.describe(RESOURCE));
        assertEquals("player: version column updated_at (TIMESTAMP)", Demo.describe(PLAYER));
        assertEquals("document: version column version (COUNTER)", Demo.describe(DOCUMENT));
        assertEquals("audit_event: no version column", Demo.describe(AUDIT_EVENT));
        assertEquals("team: no version column", Demo.describe(TEAM));
    }
}
