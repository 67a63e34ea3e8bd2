package dev.occ;

import dev.occ.postgres.TestDatabaseExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.DSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The race tests' fixture: a fresh database migrated from occ-schema for the test class (through
 * {@link TestDatabaseExtension}), a main session held for the whole class whose context the tests
 * use for setup and checks, further held sessions where a class needs them, and new sessions for
 * the workers, each named by its {@code application_name}. The held sessions connect before the
 * class's first test and are closed after its last.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final RaceExtension race = RaceExtension.withMainSession("occ-race-main");
 * static final DSLContext ctx = race.ctx();
 * </pre>
 */
final class RaceExtension implements BeforeAllCallback, AfterAllCallback {

    private final TestDatabaseExtension database;
    private final Race.Session main;
    private final List<Race.Session> held = new CopyOnWriteArrayList<>();

    private RaceExtension(String label, String mainApplicationName) {
        this.database = TestDatabaseExtension.migrated(label);
        this.main = hold(mainApplicationName);
    }

    /**
     * @param applicationName the main session's {@code application_name}
     * @return the fixture of the class that calls this, its database named after that class
     */
    static RaceExtension withMainSession(String applicationName) {
        Class<?> testClass = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        return new RaceExtension(testClass.getSimpleName(), applicationName);
    }

    /** @return the main session's context, usable in static initializers; it connects before the first test */
    DSLContext ctx() {
        return main.ctx();
    }

    /** @return the main session itself */
    Race.Session main() {
        return main;
    }

    /**
     * A further session held for the whole class, such as the other side of a conflict; it connects
     * before the first test, or on first use, and is closed after the last test.
     *
     * @param applicationName its {@code application_name}
     * @return the session
     */
    Race.Session hold(String applicationName) {
        Race.Session session = new Race.Session(database, applicationName, false);
        held.add(session);
        return session;
    }

    /**
     * A new session, connected now, for one worker or one test; the caller closes it.
     *
     * @param applicationName its {@code application_name} in {@code pg_stat_activity}
     * @return the session
     */
    Race.Session session(String applicationName) {
        return new Race.Session(database, applicationName, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database.beforeAll(context);
        held.forEach(Race.Session::pid); // connects each held session
    }

    @Override
    public void afterAll(ExtensionContext context) {
        held.forEach(Race.Session::close);
    }
}
