package dev.occ.samples.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The version a write expects, from {@code If-Match} or from the body's {@code version}, evaluated as
 * RFC 9110 section 13.1.1 says:
 *
 * <ul>
 * <li>{@code If-Match} uses the strong comparison: a weak tag ({@code W/"3"}) never matches, and a
 *     list matches when one of its strong tags is the current ETag;</li>
 * <li>{@code If-Match: *} matches any current version, so it cannot prevent a lost update: it counts
 *     as no expected version (a body {@code version} may still give one, otherwise 428);</li>
 * <li>a row that does not exist is 404 whatever the preconditions (RFC 9110 section 13.2.1: they are
 *     ignored when the response without them would not be 2xx or 412).</li>
 * </ul>
 *
 * @param version the version to lock on
 * @param fromIfMatch whether it came from {@code If-Match} (a stale one is 412) or from the body
 *     (a stale one is 409)
 */
public record ExpectedVersion(int version, boolean fromIfMatch) {

    private static final Pattern TAG = Pattern.compile("\\s*(W/)?\"([^\"]*)\"\\s*(,|$)");

    /**
     * The strong ETag of a version.
     *
     * @param version a resource's version
     * @return for example {@code "3"}, quotes included
     */
    public static String etag(Object version) {
        return "\"" + version + "\"";
    }

    /**
     * Resolves the expected version of a write.
     *
     * @param ifMatch the {@code If-Match} header, or {@code null}
     * @param bodyVersion the body's {@code version}, or {@code null}
     * @param current reads the row's current version, empty when the row is gone; asked only when
     *     {@code If-Match} lists no single strong tag
     * @return the version to lock on
     * @throws Problems.ProblemException 400 for a malformed {@code If-Match} or one that disagrees with
     *     the body, 404 when the row is gone, 412 when no strong tag matches, 428 without any version
     */
    public static ExpectedVersion resolve(@Nullable String ifMatch, @Nullable Integer bodyVersion,
            Supplier<Optional<Integer>> current) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            if (bodyVersion != null) {
                return new ExpectedVersion(bodyVersion, false);
            }
            throw Problems.preconditionRequired(ifMatch != null && ifMatch.trim().equals("*")
                    ? "If-Match: * matches any version and so cannot prevent a lost update; send If-Match with the ETag you read, or the version in the body"
                    : "This write needs the version you read: send If-Match with the resource's ETag, or the version in the body");
        }
        List<Integer> strong = strongVersions(ifMatch);
        if (bodyVersion != null && !strong.contains(bodyVersion)) {
            throw Problems.badRequest("version", "the body's version " + bodyVersion
                    + " and If-Match " + ifMatch.trim() + " disagree; send one of them, or the same version in both");
        }
        if (strong.size() == 1) {
            return new ExpectedVersion(strong.get(0), true);
        }
        // Several tags, or only weak ones: the one that is current, if any, is the one to lock on.
        Integer now = current.get().orElseThrow(Problems::notFound);
        if (!strong.contains(now)) {
            throw new Problems.PreconditionFailedException(now);
        }
        return new ExpectedVersion(now, true);
    }

    /** The versions of the strong entity tags in an If-Match list; weak tags and other tags are left out. */
    private static List<Integer> strongVersions(String ifMatch) {
        List<Integer> versions = new ArrayList<>();
        Matcher m = TAG.matcher(ifMatch);
        int at = 0;
        while (at < ifMatch.length()) {
            if (!m.find(at) || m.start() != at) {
                throw Problems.badRequest("If-Match", "If-Match must be * or a list of entity tags such as \"3\", but is "
                        + ifMatch);
            }
            if (m.group(1) == null) {
                try {
                    int v = Integer.parseInt(m.group(2));
                    if (v > 0) {
                        versions.add(v);
                    }
                } catch (NumberFormatException e) {
                    // a well-formed tag that is no version of ours: it matches nothing
                }
            }
            at = m.end();
        }
        return versions;
    }
}
