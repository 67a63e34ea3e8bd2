package dev.occ.codegen;

import java.util.List;
import org.jooq.codegen.GeneratorException;

/**
 * Code generation failed because one or more version columns cannot serve as one: a column that
 * jOOQ's {@code <recordVersionFields>} or {@code <recordTimestampFields>} (or occ's default
 * convention) picked is nullable or of an unsuitable type. Each problem names the table, the column
 * and the fix, for example:
 *
 * <pre>
 * occ: version column public.player.updated_at is nullable; declare it NOT NULL
 * (alter table public.player alter column updated_at set not null) or remove it from &lt;recordTimestampFields&gt;
 * </pre>
 */
public final class VersionColumnException extends GeneratorException {

    private static final long serialVersionUID = 1L;

    /** One message per unsuitable column. */
    private final List<String> problems;

    VersionColumnException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * The problems found, one message per unsuitable column.
     *
     * @return the messages, never empty
     */
    public List<String> problems() {
        return problems;
    }
}
