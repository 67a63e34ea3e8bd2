/**
 * occ's machinery, not its API: the implementations of the statement steps, the policies and the
 * {@link dev.occ.internal.LockPlan} every policy turns into, the shared conflict
 * {@link dev.occ.internal.Diagnosis} and the one way messages {@link dev.occ.internal.Names name}
 * things. The module descriptor does not export this package; on the class path its public types
 * are public only so that {@code dev.occ} can reach them. Nothing here is stable: use
 * {@link dev.occ.Occ} and the types of {@code dev.occ}.
 */
@NullMarked
package dev.occ.internal;

import org.jspecify.annotations.NullMarked;
