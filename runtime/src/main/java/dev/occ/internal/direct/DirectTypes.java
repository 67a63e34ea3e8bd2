package dev.occ.internal.direct;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

    private static final Binder INTEGER = (s, i, v) -> s.setInt(i, (Integer) v);
    private static final Binder LONG = (s, i, v) -> s.setLong(i, (Long) v);
    private static final Binder STRING = (s, i, v) -> s.setString(i, (String) v);

    private static final Map<Class<?>, Binder> BINDERS = Map.of(
            Integer.class, INTEGER,
            Long.class, LONG,
            Short.class, (s, i, v) -> s.setShort(i, (Short) v),
            String.class, STRING,
            Boolean.class, (s, i, v) -> s.setBoolean(i, (Boolean) v),
            UUID.class, (s, i, v) -> s.setObject(i, v),
            JSON.class, (s, i, v) -> s.setString(i, ((JSON) v).data()),
            JSONB.class, (s, i, v) -> s.setString(i, ((JSONB) v).data()));

    /** Reads one value of a column of the type it is registered for, as jOOQ's default binding reads it. */
    @FunctionalInterface
    interface Reader {
        @Nullable Object read(ResultSet rs, int index) throws SQLException;
    }

    /**
     * The readers of the types a {@code RETURNING} clause may return on the direct path, by the
     * column's Java type: the getter jOOQ's default binding calls on PostgreSQL, {@code null} for
     * SQL NULL. To admit a type, add it here and a case to {@code DirectReturningTest}.
     */
    private static final Map<Class<?>, Reader> READERS = Map.of(
            Integer.class, (rs, i) -> nullIfWasNull(rs, rs.getInt(i)),
            Long.class, (rs, i) -> nullIfWasNull(rs, rs.getLong(i)),
            Short.class, (rs, i) -> nullIfWasNull(rs, rs.getShort(i)),
            Boolean.class, (rs, i) -> nullIfWasNull(rs, rs.getBoolean(i)),
            String.class, ResultSet::getString,
            JSON.class, (rs, i) -> JSON.jsonOrNull(rs.getString(i)),
            JSONB.class, (rs, i) -> JSONB.jsonbOrNull(rs.getString(i)));

    private DirectTypes() {
    }

    private static @Nullable Object nullIfWasNull(ResultSet rs, Object value) throws SQLException {
        return rs.wasNull() ? null : value;
    }

    /** @return the reader of a column's Java type, or {@code null} when the direct path does not read it */
    static @Nullable Reader reader(Class<?> type) {
        return READERS.get(type);
    }

    /** @return the binder of a bind value, or {@code null} when the direct path does not admit it */
    static @Nullable Binder binder(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        Class<?> type = value.getClass();
        // the most common types first, by identity: cheaper than the map's hashing
        if (type == Integer.class) {
            return INTEGER;
        }
        if (type == String.class) {
            return STRING;
        }
        if (type == Long.class) {
            return LONG;
        }
        return BINDERS.get(type);
    }

    /** @return the admitted types, for tests */
    static java.util.Set<Class<?>> admitted() {
        return BINDERS.keySet();
    }
}
