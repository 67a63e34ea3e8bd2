package dev.occ.benchmarks;

import java.sql.Connection;

/** Makes a contender on a connection and a slot of rows. */
@FunctionalInterface
interface ContenderFactory {
    Contender create(Connection connection, int[] ids) throws Exception;
}
