package dev.occ.samples.http;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The RFC 9457 problem details of the service, named once: their types, titles and the OCC guide's
 * message. {@link ConflictAdvice} renders them all as {@code application/problem+json}.
 */
public final class Problems {

    /** The OCC guide's message for a version conflict, the {@code detail} of every 409 and 412. */
    public static final String MODIFIED = "The resource has been modified by another user. Please refresh and try again.";

    /** The problem type of a version conflict (409 and 412). */
    public static final URI MODIFIED_TYPE = URI.create("/problems/modified");

    private Problems() {
    }

    /** A problem the handlers throw; {@link ConflictAdvice} renders it. */
    public static final class ProblemException extends ErrorResponseException {

        private static final long serialVersionUID = 1L;

        ProblemException(ProblemDetail body) {
            super(HttpStatus.valueOf(body.getStatus()), body, null);
        }
    }

    /**
     * If-Match named versions of which none is current (412); thrown where no occ statement ran.
     */
    public static final class PreconditionFailedException extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final int currentVersion;

        /** @param currentVersion the row's version now */
        public PreconditionFailedException(int currentVersion) {
            super("If-Match names no current version; the row has version " + currentVersion);
            this.currentVersion = currentVersion;
        }

        /** @return the row's version now */
        public int currentVersion() {
            return currentVersion;
        }
    }

    /**
     * 400 naming what is wrong.
     *
     * @param field the field or header at fault, such as {@code name} or {@code If-Match}
     * @param detail what is wrong and what is expected
     * @return the problem
     */
    public static ProblemException badRequest(String field, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        p.setTitle("Invalid request");
        p.setProperty("field", field);
        return new ProblemException(p);
    }

    /** @return 404: the resource does not exist (or no longer) */
    public static ProblemException notFound() {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                "The resource does not exist; it may have been deleted by another user.");
        p.setTitle("Not found");
        return new ProblemException(p);
    }

    /**
     * 428: a write without any expected version.
     *
     * @param detail what to send
     * @return the problem
     */
    public static ProblemException preconditionRequired(String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.PRECONDITION_REQUIRED, detail);
        p.setTitle("Precondition required");
        return new ProblemException(p);
    }

    /**
     * 409 or 412: the row moved on; the body names the current version and ETag.
     *
     * @param status {@code CONFLICT} or {@code PRECONDITION_FAILED}
     * @param expected the version the request expected, or {@code null} when it named several
     * @param current the row's current version
     * @return the problem
     */
    public static ProblemDetail modified(HttpStatus status, Object expected, Object current) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, MODIFIED);
        p.setType(MODIFIED_TYPE);
        p.setTitle("Modified by another user");
        if (expected != null) {
            p.setProperty("expectedVersion", expected);
        }
        p.setProperty("currentVersion", current);
        p.setProperty("currentEtag", ExpectedVersion.etag(current));
        return p;
    }
}
