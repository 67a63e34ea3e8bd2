package dev.occ;

/**
 * How a version column moves on when a row is updated under an optimistic policy.
 */
public enum VersionKind {

    /**
     * An integer counter ({@code int} or {@code bigint}): every update sets {@code v = v + 1}.
     */
    COUNTER,

    /**
     * A timestamp ({@code timestamptz} or {@code timestamp}): every update sets a new value that is
     * strictly later than the old one, at PostgreSQL's microsecond precision.
     */
    TIMESTAMP
}
