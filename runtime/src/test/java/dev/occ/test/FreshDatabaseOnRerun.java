package dev.occ.test;

import dev.occ.postgres.Postgres;
import dev.occ.postgres.TestDatabase;
import dev.occ.postgres.TestDatabaseExtension;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For the mutation run only ({@code -Pmutation}, which sets {@value #PROPERTY}): gives a test class
 * a fresh database each time its tests start again in the same JVM. PIT runs each test on its own,
 * so a class's {@code @BeforeAll} runs once per test and per mutant, in one JVM whose
 * {@link TestDatabaseExtension} keeps the class's database: a setup that creates a table, or a test
 * that inserts fixed keys, would fail on the second run and count as a killed mutant. This
 * extension runs before the class's own extensions (JUnit registers auto-detected extensions
 * first): from the class's second start on, it drops the database of each of the class's
 * {@code static} {@link TestDatabaseExtension}s (also one held inside a fixture of occ's tests,
 * such as {@code dev.occ.RaceExtension}) and clears it, so that the extension copies a new one from the migrated
 * template. Without the property it does nothing; the normal build runs each class once anyway.
 * It reads {@code TestDatabaseExtension}'s private {@code database} field: a test-only coupling,
 * checked when this class loads, so a renamed field fails the first test rather than the results.
 */
public final class FreshDatabaseOnRerun implements BeforeAllCallback {

    /** The system property that turns this on. */
    public static final String PROPERTY = "occ.test.freshDatabaseOnRerun";

    private static final Field DATABASE = databaseField();
    private static final Set<Class<?>> STARTED = ConcurrentHashMap.newKeySet();

    /** Made by JUnit's extension auto-detection. */
    public FreshDatabaseOnRerun() {
    }

    private static Field databaseField() {
        try {
            Field f = TestDatabaseExtension.class.getDeclaredField("database");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("TestDatabaseExtension has no field 'database' any more; "
                    + "update " + FreshDatabaseOnRerun.class.getName(), e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        if (!Boolean.getBoolean(PROPERTY) || STARTED.add(context.getRequiredTestClass())) {
            return;
        }
        for (Field f : context.getRequiredTestClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                f.setAccessible(true);
                Object fixture = f.get(null);
                if (fixture instanceof TestDatabaseExtension database) {
                    renew(database);
                } else if (fixture != null && fixture.getClass().getPackageName().startsWith("dev.occ")) {
                    for (Field inner : fixture.getClass().getDeclaredFields()) {
                        if (inner.getType() == TestDatabaseExtension.class && !Modifier.isStatic(inner.getModifiers())) {
                            inner.setAccessible(true);
                            renew((TestDatabaseExtension) inner.get(fixture));
                        }
                    }
                }
            }
        }
    }

    /** Drops the extension's database, if it made one, and clears it: the next use copies a new one. */
    private static void renew(TestDatabaseExtension extension) throws IllegalAccessException {
        TestDatabase old = (TestDatabase) DATABASE.get(extension);
        if (old == null) {
            return;
        }
        DATABASE.set(extension, null);
        try (Connection c = Postgres.connect(old.server(), "postgres"); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + old.name() + " with (force)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop " + old + ": " + e.getMessage(), e);
        }
    }
}
