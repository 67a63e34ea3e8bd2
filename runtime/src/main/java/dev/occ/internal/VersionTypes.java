package dev.occ.internal;

import dev.occ.VersionKind;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Map;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * The Java types a version column may have, and what each one is: the runtime's one table of
 * {@link VersionKind}s by type (occ's generator keeps the SQL side: which column types map to them).
 */
final class VersionTypes {

    private static final Map<Class<?>, VersionKind> KINDS = Map.of(
            Integer.class, VersionKind.COUNTER,
            Long.class, VersionKind.COUNTER,
            Short.class, VersionKind.COUNTER,
            OffsetDateTime.class, VersionKind.TIMESTAMP,
            LocalDateTime.class, VersionKind.TIMESTAMP,
            Instant.class, VersionKind.TIMESTAMP,
            Timestamp.class, VersionKind.TIMESTAMP);

    private VersionTypes() {
    }

    /** @return the kind of a version column of this Java type, or {@code null} when it cannot be one */
    static @Nullable VersionKind kindOf(Class<?> type) {
        return KINDS.get(type);
    }

    /** @return whether a counter's value is the largest of its type, after which it cannot move on */
    static boolean atMaximum(Object counter) {
        return counter instanceof Integer i && i == Integer.MAX_VALUE
                || counter instanceof Long l && l == Long.MAX_VALUE
                || counter instanceof Short s && s == Short.MAX_VALUE;
    }

    /** {@code current_timestamp} as a field of a timestamp version's Java type. */
    @SuppressWarnings("unchecked")
    static <T> Field<T> now(Class<T> type) {
        if (type == OffsetDateTime.class) {
            return (Field<T>) DSL.currentOffsetDateTime();
        }
        if (type == LocalDateTime.class) {
            return (Field<T>) DSL.currentLocalDateTime();
        }
        if (type == Instant.class) {
            return (Field<T>) DSL.currentInstant();
        }
        return (Field<T>) DSL.currentTimestamp();
    }
}
