/**
 * occ's runtime: the locking DSL over jOOQ. Exports only the API package {@code dev.occ}.
 */
module dev.occ {
    requires transitive org.jooq;
    requires transitive java.sql;
    requires static org.jspecify;

    exports dev.occ;
}
