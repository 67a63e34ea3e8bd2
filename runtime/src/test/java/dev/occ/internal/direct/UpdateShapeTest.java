package dev.occ.internal.direct;

import static dev.occ.test.db.Tables.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.occ.internal.Assignments;
import dev.occ.internal.LockPlan;
import dev.occ.internal.OptimisticPolicy;
import dev.occ.test.db.tables.records.ResourceRecord;
import java.util.Arrays;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/** A shape's key: equal for updates that differ only in their bind values, and only for those. */
class UpdateShapeTest {

    private static final Settings SETTINGS = new Settings();

    /** A shape's key, kept, and its bind values in the order of the walk. */
    private record Walked(UpdateShape.Key key, List<Object> params) {
    }

    private static Walked shape(Settings settings, String name, Condition where, int version) {
        LockPlan<ResourceRecord> plan = OptimisticPolicy.version(RESOURCE.VERSION, version, null);
        Assignments set = new Assignments();
        set.put(RESOURCE.NAME, DSL.val(name, RESOURCE.NAME));
        UpdateShape shape = UpdateShape.of(SQLDialect.POSTGRES, settings, RESOURCE, set, where, plan, null);
        if (shape == null) {
            return null;
        }
        Walked walked = new Walked(shape.keyCopy(), Arrays.stream(shape.params, 0, shape.paramCount)
                .map(p -> (Object) p.getValue()).toList());
        shape.release();
        assertNull(shape.params[0], "a released shape keeps no bind value");
        return walked;
    }

    @Test
    void keysOfUpdatesThatDifferOnlyInTheirValuesAreEqual() {
        Walked a = shape(SETTINGS, "a", RESOURCE.ID.eq(1), 1);
        Walked b = shape(SETTINGS, "b", RESOURCE.ID.eq(2), 7);
        assertEquals(a.key(), b.key());
        assertEquals(a.key().hashCode(), b.key().hashCode());
        assertEquals(List.of("a", 1, 1), a.params(),
                "the bind values in the order of the walk: SET, then the where clause and the check");
        assertEquals(List.of("b", 2, 7), b.params());
    }

    @Test
    void keysOfOtherShapesDiffer() {
        Walked a = shape(SETTINGS, "a", RESOURCE.ID.eq(1), 1);
        assertNotEquals(a.key(), shape(SETTINGS, "a", RESOURCE.ID.ne(1), 1).key(), "another comparison");
        assertNotEquals(a.key(), shape(SETTINGS, "a", RESOURCE.ID.eq(1).and(RESOURCE.NAME.eq("x")), 1).key(),
                "a longer where clause");
        assertNotEquals(a.key(), shape(new Settings(), "a", RESOURCE.ID.eq(1), 1).key(),
                "other settings (canonical settings are compared by identity)");
        assertFalse(a.key().equals("UpdateShape"));
        assertFalse(a.key().equals(null));
    }

    @Test
    void anUpdateWithSomethingButColumnsAndBindValuesHasNoShape() {
        assertNull(shape(SETTINGS, "a", RESOURCE.ID.eq(1).and(RESOURCE.NAME.isNull()), 1));
        assertNull(shape(SETTINGS, "a", RESOURCE.ID.eq(DSL.val(1).plus(1)), 1));
    }
}
