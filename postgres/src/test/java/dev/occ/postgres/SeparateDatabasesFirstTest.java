package dev.occ.postgres;

import org.junit.jupiter.api.Test;

/**
 * One of two test classes that each take their own database from the JVM's server; see
 * {@link SeparateDatabases}. Each class's database is made in its static initializer, so whichever
 * class runs first, both databases exist when its test looks.
 */
class SeparateDatabasesFirstTest {

    static final TestDatabase DB = SeparateDatabases.create("separate_first", "only_in_first");

    @Test
    void hasItsOwnDatabase() {
        SeparateDatabases.assertSeparate(DB, "only_in_first", SeparateDatabasesSecondTest.DB, "only_in_second");
    }
}
