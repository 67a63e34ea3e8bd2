/**
 * [occ#6] occ's direct execution of simple locked updates: rendered by jOOQ once per statement
 * shape, then only bound and run on the connection jOOQ would use. Not API, not exported. Read
 * {@link dev.occ.internal.direct.DirectUpdate} first: it says when the path runs, what in it may
 * change and what must not; {@link dev.occ.internal.direct.JooqInternals} names what it relies on
 * in jOOQ.
 */
@NullMarked
package dev.occ.internal.direct;

import org.jspecify.annotations.NullMarked;
