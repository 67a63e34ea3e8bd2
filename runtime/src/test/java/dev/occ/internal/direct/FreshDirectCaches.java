package dev.occ.internal.direct;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Empties the direct path's JVM-wide caches ({@link DirectUpdate#clearCaches()}: shapes and
 * settings) before each test class and each test, so that a test renders its own statements: its
 * result cannot depend on what ran before it in the JVM. That matters most when PIT reruns the tests
 * of many mutants in one JVM (-Pmutation): a shape rendered under one mutant would otherwise be
 * reused under the next. Registered for every test class by JUnit's extension auto-detection
 * (src/test/resources/junit-platform.properties and
 * META-INF/services/org.junit.jupiter.api.extension.Extension).
 *
 * <p>Not emptied: the kind of each jOOQ class ({@code JooqInternals.KINDS}, a {@link ClassValue},
 * which {@code clearCaches()} leaves alone and which cannot be emptied from outside), so a mutation
 * run judges mutants of {@code JooqInternals}' classification on kinds computed earlier in the JVM.
 */
public final class FreshDirectCaches implements BeforeAllCallback, BeforeEachCallback {

    /** Made by JUnit's extension auto-detection. */
    public FreshDirectCaches() {
    }

    /** @return how many shapes the direct path cached: whether updates ran on it, for tests in other packages */
    public static int cachedShapes() {
        return DirectUpdate.cachedShapes();
    }

    /** @return the cached shapes and their SQL, for failure messages */
    public static String describeCache() {
        return DirectUpdate.describeCache();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        DirectUpdate.clearCaches();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        DirectUpdate.clearCaches();
    }
}
