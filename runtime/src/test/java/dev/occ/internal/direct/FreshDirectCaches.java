package dev.occ.internal.direct;

import java.lang.reflect.Field;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Empties the direct path's JVM-wide caches before each test class and each test, so that a test
 * renders and classifies its own statements: its result cannot depend on what ran before it in the
 * JVM. That matters most when PIT reruns the tests of many mutants in one JVM (-Pmutation): a shape
 * rendered, or a jOOQ class classified, under one mutant would otherwise be reused under the next.
 * Two caches: {@link DirectUpdate#clearCaches()} (shapes and settings), and the kind of each jOOQ
 * class ({@code JooqInternals.KINDS}, a {@link ClassValue}, which {@code clearCaches()} leaves
 * alone): removing one computed entry makes a {@code ClassValue} drop every value it computed.
 * Registered for every test class by JUnit's extension auto-detection
 * (src/test/resources/junit-platform.properties and
 * META-INF/services/org.junit.jupiter.api.extension.Extension).
 */
public final class FreshDirectCaches implements BeforeAllCallback, BeforeEachCallback {

    private static final ClassValue<?> KINDS = kinds();

    private static ClassValue<?> kinds() {
        try {
            Field f = JooqInternals.class.getDeclaredField("KINDS");
            f.setAccessible(true);
            return (ClassValue<?>) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JooqInternals has no ClassValue KINDS any more; update "
                    + FreshDirectCaches.class.getName(), e);
        }
    }

    /** Empties both caches. */
    static void clear() {
        DirectUpdate.clearCaches();
        JooqInternals.kind(new Object()); // an entry to remove (Object's), whatever was computed before
        KINDS.remove(Object.class);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        clear();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        clear();
    }
}
