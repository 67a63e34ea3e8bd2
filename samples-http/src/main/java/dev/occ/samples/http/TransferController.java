package dev.occ.samples.http;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /transfers}: the feature request's points transfer between two players, one
 * transaction re-run by occ's {@code RetryPolicy} after a conflict. Too few points is 422 (the
 * database's check {@code num_points >= 0}, as Spring translates it); a conflict that outlasts the
 * retries is 409.
 */
@RestController
public class TransferController {

    private final ResourceRepository repository;

    /** @param repository the players */
    public TransferController(ResourceRepository repository) {
        this.repository = repository;
    }

    /**
     * Moves points.
     *
     * @param body {@code {"from": 1, "to": 2, "points": 3}}
     * @return both balances afterwards
     */
    @PostMapping("/transfers")
    public ResourceRepository.Balances transfer(@RequestBody JsonNode body) {
        int from = positive(body, "from");
        int to = positive(body, "to");
        int points = positive(body, "points");
        if (from == to) {
            throw Problems.badRequest("to", "from and to name the same player, " + from);
        }
        return repository.transfer(from, to, points);
    }

    private static int positive(JsonNode body, String field) {
        JsonNode v = body == null ? null : body.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw Problems.badRequest(field, field + " must be a positive integer, but is " + (v == null ? "missing" : v));
        }
        return v.asInt();
    }
}
