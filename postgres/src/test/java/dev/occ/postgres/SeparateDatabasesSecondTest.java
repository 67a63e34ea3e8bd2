package dev.occ.postgres;

import org.junit.jupiter.api.Test;

/** The other of two test classes that each take their own database; see {@link SeparateDatabases}. */
class SeparateDatabasesSecondTest {

    static final TestDatabase DB = SeparateDatabases.create("separate_second", "only_in_second");

    @Test
    void hasItsOwnDatabase() {
        SeparateDatabases.assertSeparate(DB, "only_in_second", SeparateDatabasesFirstTest.DB, "only_in_first");
    }
}
