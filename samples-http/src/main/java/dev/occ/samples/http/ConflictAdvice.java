package dev.occ.samples.http;

import dev.occ.ConflictException;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * The one place where occ's conflicts, and the service's other failures, become HTTP responses, all
 * with RFC 9457 {@code application/problem+json} bodies:
 *
 * <table>
 * <caption>status codes</caption>
 * <tr><th>status</th><th>when</th></tr>
 * <tr><td>412</td><td>{@code If-Match} named a version that is no longer current</td></tr>
 * <tr><td>409</td><td>the body's {@code version} is no longer current (or a transfer kept
 *     conflicting)</td></tr>
 * <tr><td>404</td><td>the row is gone ({@link ConflictException#isRowGone()}) or never was</td></tr>
 * <tr><td>428</td><td>a write without any expected version</td></tr>
 * <tr><td>422</td><td>the database refused the change (a constraint, as Spring translates it)</td></tr>
 * <tr><td>400</td><td>malformed JSON, a field of the wrong type, a malformed {@code If-Match}</td></tr>
 * </table>
 *
 * <p>Why 412 for one and 409 for the other: {@code If-Match} is a precondition, and RFC 9110
 * (section 13.1.1) answers a failed one with 412; a version in the body is part of the request
 * content, and a request whose content conflicts with the resource's current state is RFC 9110's
 * 409 (section 15.5.10 names exactly this, a PUT based on an older version). Both carry the guide's
 * message, the current version and the current ETag, also as the {@code ETag} header.
 */
@RestControllerAdvice
public class ConflictAdvice extends ResponseEntityExceptionHandler {

    /**
     * occ's conflict: 404 when the row is gone, 412 when the expected version came from
     * {@code If-Match}, 409 when it came from the body.
     *
     * @param e the conflict
     * @param request the request, whose {@code If-Match} says where the expected version came from
     * @return the problem
     */
    @ExceptionHandler(ConflictException.class)
    public ResponseEntity<ProblemDetail> conflict(ConflictException e, HttpServletRequest request) {
        if (e.isRowGone()) {
            return problem(Problems.notFound().getBody(), null);
        }
        String ifMatch = request.getHeader(HttpHeaders.IF_MATCH);
        HttpStatus status = ifMatch != null && !ifMatch.isBlank() && !ifMatch.trim().equals("*")
                ? HttpStatus.PRECONDITION_FAILED : HttpStatus.CONFLICT;
        return problem(Problems.modified(status, e.expectedVersion(), e.actualVersion()), e.actualVersion());
    }

    /**
     * {@code If-Match} listed several versions, or only weak tags, and none is current: 412.
     *
     * @param e the failed precondition
     * @return the problem
     */
    @ExceptionHandler(Problems.PreconditionFailedException.class)
    public ResponseEntity<ProblemDetail> preconditionFailed(Problems.PreconditionFailedException e) {
        return problem(Problems.modified(HttpStatus.PRECONDITION_FAILED, null, e.currentVersion()), e.currentVersion());
    }

    /**
     * A transfer named a player that does not exist: 404.
     *
     * @param e the failure
     * @return the problem
     */
    @ExceptionHandler(ResourceRepository.PlayerNotFoundException.class)
    public ResponseEntity<ProblemDetail> playerNotFound(ResourceRepository.PlayerNotFoundException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        p.setTitle("Not found");
        return problem(p, null);
    }

    /**
     * The database refused the change, as Spring Boot's jOOQ exception translator translates it (also
     * for occ's direct updates): 422 naming the constraint.
     *
     * @param e the translated failure
     * @return the problem
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    public ResponseEntity<ProblemDetail> integrity(DataIntegrityViolationException e) {
        String constraint = constraint(e);
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT,
                "The database refused the change" + (constraint == null ? "." : ": it breaks " + constraint + "."));
        p.setTitle("Refused by a constraint");
        if (constraint != null) {
            p.setProperty("constraint", constraint);
        }
        return problem(p, null);
    }

    /** Malformed JSON: 400 with where the parser stopped. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String where = "";
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof JacksonException j) {
                TokenStreamLocation at = j.getLocation();
                if (at != null) {
                    where = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
                }
                break;
            }
        }
        ProblemDetail body = Problems.badRequest("body", "the body is not well-formed JSON" + where).getBody();
        return ResponseEntity.badRequest().body(body);
    }

    private static ResponseEntity<ProblemDetail> problem(ProblemDetail p, @Nullable Object currentVersion) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(p.getStatus());
        if (currentVersion != null) {
            response.eTag(ExpectedVersion.etag(currentVersion));
        }
        return response.body(p);
    }

    private static @Nullable String constraint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException pg && pg.getServerErrorMessage() != null) {
                return pg.getServerErrorMessage().getConstraint();
            }
        }
        return null;
    }
}
