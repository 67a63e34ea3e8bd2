package dev.occ;

import org.jooq.Table;

/**
 * What an {@link AdaptiveLocking} listener sees when a key changes how it is read: escalated to a
 * row lock because its optimistic updates kept conflicting, or cooled down, back to optimistic.
 *
 * <pre>
 * AdaptiveLocking&lt;PlayerRecord&gt; adaptive = Occ.adaptive(PLAYER)
 *     .onEscalate(e -&gt; log.info("{} {}: {} of {} updates conflicted", e.table(), e.key(), e.conflicts(), e.attempts()))
 *     .onCoolDown(e -&gt; log.info("{} {}: optimistic again", e.table(), e.key()))
 *     .build();
 * </pre>
 *
 * <p>The state is kept per {@linkplain #slot() slot}, not per key: keys are hashed into a fixed
 * number of slots, and keys that share a slot escalate and cool down together. {@link #key()} is
 * the key whose statement made the change happen; the event is the only place it appears, since
 * the adaptive policy stores no key.
 *
 * @param type what happened
 * @param table the table of the key
 * @param key the primary key values of the statement that made the change happen, such as
 *     {@code id = 42}: for {@link Type#ESCALATED} the update whose conflict tipped the key over, for
 *     {@link Type#COOLED_DOWN} the read that found the cool-down passed
 * @param slot the slot the key hashes to, from 0 to the number of slots less one
 * @param conflicts for {@link Type#ESCALATED}, the conflicts counted in the run of attempts that
 *     escalated the key; 0 for {@link Type#COOLED_DOWN}
 * @param attempts for {@link Type#ESCALATED}, the optimistic updates of that run so far, the
 *     conflicting ones included; 0 for {@link Type#COOLED_DOWN}
 */
public record AdaptiveEvent(Type type, Table<?> table, String key, int slot, int conflicts, int attempts) {

    /** What happened to a key. */
    public enum Type {

        /** The key's optimistic updates kept conflicting: its reads now take a row lock ({@code FOR UPDATE}). */
        ESCALATED,

        /** The key went its cool-down without a conflict: its reads are plain, optimistic, again. */
        COOLED_DOWN
    }

    /**
     * A readable form, such as
     * {@code ESCALATED public.player (id = 42, slot 17): 2 of 9 optimistic updates conflicted}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        String where = dev.occ.internal.Names.table(table) + " (" + key + ", slot " + slot + ")";
        return type == Type.ESCALATED
                ? "ESCALATED " + where + ": " + conflicts + " of " + attempts + " optimistic updates conflicted"
                : "COOLED_DOWN " + where + ": read optimistically again";
    }
}
