package dev.occ.internal;

import static dev.occ.test.db.Tables.PLAYER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.VersionKind;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** The runtime's one table of version types, and the messages of a policy's null arguments. */
class VersionTypesTest {

    @Test
    void eachTypeHasItsKind() {
        assertEquals(VersionKind.COUNTER, VersionTypes.kindOf(Short.class));
        assertEquals(VersionKind.COUNTER, VersionTypes.kindOf(Integer.class));
        assertEquals(VersionKind.COUNTER, VersionTypes.kindOf(Long.class));
        assertEquals(VersionKind.TIMESTAMP, VersionTypes.kindOf(OffsetDateTime.class));
        assertEquals(VersionKind.TIMESTAMP, VersionTypes.kindOf(LocalDateTime.class));
        assertEquals(VersionKind.TIMESTAMP, VersionTypes.kindOf(Instant.class));
        assertEquals(VersionKind.TIMESTAMP, VersionTypes.kindOf(Timestamp.class));
        assertNull(VersionTypes.kindOf(String.class));
    }

    @Test
    void onlyTheLargestValueOfACountersTypeIsAtTheMaximum() {
        assertTrue(VersionTypes.atMaximum(Short.MAX_VALUE));
        assertFalse(VersionTypes.atMaximum((short) (Short.MAX_VALUE - 1)));
        assertTrue(VersionTypes.atMaximum(Integer.MAX_VALUE));
        assertFalse(VersionTypes.atMaximum(Integer.MAX_VALUE - 1));
        assertTrue(VersionTypes.atMaximum(Long.MAX_VALUE));
        assertFalse(VersionTypes.atMaximum(Long.MAX_VALUE - 1));
        assertFalse(VersionTypes.atMaximum((long) Integer.MAX_VALUE), "a bigint holding int's maximum moves on");
    }

    /** A timestamp version's next value is {@code current_timestamp} as the version's own type. */
    @Test
    void nowIsOfTheVersionsType() {
        assertEquals(OffsetDateTime.class, VersionTypes.now(OffsetDateTime.class).getType());
        assertEquals(LocalDateTime.class, VersionTypes.now(LocalDateTime.class).getType());
        assertEquals(Instant.class, VersionTypes.now(Instant.class).getType());
        assertEquals(Timestamp.class, VersionTypes.now(Timestamp.class).getType());
    }

    @Test
    void nullArgumentsAreNamed() {
        assertEquals("expectedValue cannot be null: pass the value of public.player.num_points read with the row",
                assertThrows(NullPointerException.class,
                        () -> OptimisticPolicy.compareAndSet(PLAYER.NUM_POINTS, null)).getMessage());
        assertEquals("field cannot be null", assertThrows(NullPointerException.class,
                () -> OptimisticPolicy.compareAndSet(null, 1)).getMessage());
        assertEquals("versionField cannot be null", assertThrows(NullPointerException.class,
                () -> OptimisticPolicy.version(null, 1, null)).getMessage());
        assertEquals("versionField cannot be null", assertThrows(NullPointerException.class,
                () -> OriginalVersionPolicy.of((org.jooq.TableField<org.jooq.Record, ?>) null)).getMessage());
    }
}
