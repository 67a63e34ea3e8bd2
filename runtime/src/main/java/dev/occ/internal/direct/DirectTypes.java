package dev.occ.internal.direct;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jspecify.annotations.Nullable;

/**
 * The one table of the bind value types the direct path admits, each with the plain JDBC call that
 * binds it exactly as jOOQ's default binding does on PostgreSQL (jOOQ renders the cast, such as
 * {@code cast(? as jsonb)}, into the SQL; the value itself goes through one setter). The shape
 * check ({@link UpdateShape}) admits a bind value only if its class is a key here, and binding uses
 * the same entry, so the two cannot disagree. To admit a type, add it here and a case to
 * {@code DirectTypesTest}, which compares the direct path with jOOQ's own execution for every key.
 */
final class DirectTypes {

    /** Binds one value of the type it is registered for. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement, int index, Object value) throws SQLException;
    }

    private static final Map<Class<?>, Binder> BINDERS = Map.of(
            Integer.class, (s, i, v) -> s.setInt(i, (Integer) v),
            Long.class, (s, i, v) -> s.setLong(i, (Long) v),
            Short.class, (s, i, v) -> s.setShort(i, (Short) v),
            String.class, (s, i, v) -> s.setString(i, (String) v),
            Boolean.class, (s, i, v) -> s.setBoolean(i, (Boolean) v),
            UUID.class, (s, i, v) -> s.setObject(i, v),
            JSON.class, (s, i, v) -> s.setString(i, ((JSON) v).data()),
            JSONB.class, (s, i, v) -> s.setString(i, ((JSONB) v).data()));

    private DirectTypes() {
    }

    /** @return the binder of a bind value, or {@code null} when the direct path does not admit it */
    static @Nullable Binder binder(@Nullable Object value) {
        return value == null ? null : BINDERS.get(value.getClass());
    }

    /** @return the admitted types, for tests */
    static java.util.Set<Class<?>> admitted() {
        return BINDERS.keySet();
    }
}
