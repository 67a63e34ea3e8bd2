package dev.occ.samples.http;

import static dev.occ.samples.db.Tables.PLAYER;
import static dev.occ.samples.db.Tables.TEAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Every status code of the service, over real HTTP against the running service on its own
 * PostgreSQL database; every refused request leaves the row as it was.
 */
class ResourceHttpTest {

    @RegisterExtension
    static final RunningService SERVICE = new RunningService();

    private static final String PROBLEM = "application/problem+json";

    private int create(String name) {
        HttpResponse<String> r = SERVICE.send("POST", "/resources", "{\"name\": \"" + name + "\", \"data\": {\"pages\": 1}}");
        assertEquals(201, r.statusCode(), r.body());
        return RunningService.json(r).get("id").asInt();
    }

    private static HttpResponse<String> put(int id, String body, String ifMatch) {
        return SERVICE.send("PUT", "/resources/" + id, body, Map.of("If-Match", ifMatch));
    }

    private String row(int id) {
        HttpResponse<String> r = SERVICE.send("GET", "/resources/" + id, null);
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static HttpResponse<String> assertProblem(int status, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(PROBLEM, r.headers().firstValue("Content-Type").orElse(""), r.body());
        assertEquals(status, RunningService.json(r).get("status").asInt(), r.body());
        return r;
    }

    /** A 409 or 412: the guide's message, the current version and ETag, in the body and as ETag. */
    private static void assertModified(int status, int current, HttpResponse<String> r) {
        assertProblem(status, r);
        JsonNode p = RunningService.json(r);
        assertEquals(Problems.MODIFIED, p.get("detail").asString());
        assertEquals(current, p.get("currentVersion").asInt());
        assertEquals("\"" + current + "\"", p.get("currentEtag").asString());
        assertEquals("\"" + current + "\"", r.headers().firstValue("ETag").orElse(""));
    }

    private static void assertField(String field, HttpResponse<String> r) {
        assertProblem(400, r);
        assertEquals(field, RunningService.json(r).get("field").asString(), r.body());
    }

    @Test
    void createReturns201WithLocationAndStrongEtag() {
        HttpResponse<String> r = SERVICE.send("POST", "/resources", "{\"name\": \"report\", \"data\": {\"pages\": 1}}");
        assertEquals(201, r.statusCode(), r.body());
        JsonNode body = RunningService.json(r);
        assertEquals(1, body.get("version").asInt());
        assertEquals("report", body.get("name").asString());
        assertEquals(1, body.get("data").get("pages").asInt());
        assertEquals("/resources/" + body.get("id").asInt(), r.headers().firstValue("Location").orElse(""));
        assertEquals("\"1\"", r.headers().firstValue("ETag").orElse(""));
    }

    @Test
    void getReturnsVersionInBodyAndEtag() {
        int id = create("read me");
        HttpResponse<String> r = SERVICE.send("GET", "/resources/" + id, null);
        assertEquals(200, r.statusCode());
        assertEquals(1, RunningService.json(r).get("version").asInt());
        assertEquals("\"1\"", r.headers().firstValue("ETag").orElse(""));
    }

    @Test
    void listShowsEveryResourceWithItsVersion() {
        int a = create("list a");
        int b = create("list b");
        HttpResponse<String> r = SERVICE.send("GET", "/resources", null);
        assertEquals(200, r.statusCode());
        List<Integer> ids = new ArrayList<>();
        for (JsonNode n : RunningService.json(r)) {
            ids.add(n.get("id").asInt());
            assertTrue(n.get("version").asInt() >= 1);
        }
        assertTrue(ids.contains(a) && ids.contains(b), ids.toString());
    }

    @Test
    void missingRowIs404() {
        assertProblem(404, SERVICE.send("GET", "/resources/999999", null));
        assertProblem(404, SERVICE.send("PUT", "/resources/999999", "{\"name\": \"x\", \"data\": 1}", Map.of("If-Match", "\"1\"")));
        assertProblem(404, SERVICE.send("PATCH", "/resources/999999", "{\"name\": \"x\", \"version\": 1}"));
        assertProblem(404, SERVICE.send("PUT", "/resources/999999", "{\"name\": \"x\", \"data\": 1, \"version\": 1}",
                Map.of("If-Match", "*")));
        assertProblem(404, SERVICE.send("DELETE", "/resources/999999", null, Map.of("If-Match", "\"1\"")));
        assertProblem(404, SERVICE.send("PUT", "/resources/999999", "{\"name\": \"x\", \"data\": 1}",
                Map.of("If-Match", "\"1\", \"2\"")));
    }

    @Test
    void putWithCurrentIfMatchReturnsTheNewEtag() {
        int id = create("put");
        HttpResponse<String> r = put(id, "{\"name\": \"put 2\", \"data\": [1, 2]}", "\"1\"");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("\"2\"", r.headers().firstValue("ETag").orElse(""));
        JsonNode body = RunningService.json(r);
        assertEquals(2, body.get("version").asInt());
        assertEquals("put 2", body.get("name").asString());
        assertEquals(2, body.get("data").get(1).asInt());
    }

    @Test
    void staleIfMatchIs412AndLeavesTheRow() {
        int id = create("stale if-match");
        assertEquals(200, put(id, "{\"name\": \"first\", \"data\": 1}", "\"1\"").statusCode());
        String before = row(id);
        assertModified(412, 2, put(id, "{\"name\": \"second\", \"data\": 2}", "\"1\""));
        assertModified(412, 2, SERVICE.send("PATCH", "/resources/" + id, "{\"name\": \"second\"}",
                Map.of("If-Match", "\"1\"")));
        assertModified(412, 2, SERVICE.send("DELETE", "/resources/" + id, null, Map.of("If-Match", "\"1\"")));
        assertEquals(before, row(id));
    }

    @Test
    void staleBodyVersionIs409AndLeavesTheRow() {
        int id = create("stale body");
        assertEquals(200, SERVICE.send("PATCH", "/resources/" + id, "{\"name\": \"first\", \"version\": 1}").statusCode());
        String before = row(id);
        assertModified(409, 2, SERVICE.send("PUT", "/resources/" + id, "{\"name\": \"second\", \"data\": 2, \"version\": 1}"));
        assertModified(409, 2, SERVICE.send("PATCH", "/resources/" + id, "{\"data\": 2, \"version\": 1}"));
        assertModified(409, 2, SERVICE.send("DELETE", "/resources/" + id + "?version=1", null));
        assertEquals(before, row(id));
    }

    @Test
    void patchWritesOnlyTheNamedFields() {
        int id = create("patch");
        HttpResponse<String> r = SERVICE.send("PATCH", "/resources/" + id, "{\"name\": \"patched\"}", Map.of("If-Match", "\"1\""));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("\"2\"", r.headers().firstValue("ETag").orElse(""));
        JsonNode body = RunningService.json(r);
        assertEquals("patched", body.get("name").asString());
        assertEquals(1, body.get("data").get("pages").asInt());
    }

    @Test
    void writeWithoutAnyVersionIs428AndLeavesTheRow() {
        int id = create("no version");
        String before = row(id);
        assertProblem(428, SERVICE.send("PUT", "/resources/" + id, "{\"name\": \"x\", \"data\": 1}"));
        assertProblem(428, SERVICE.send("PATCH", "/resources/" + id, "{\"name\": \"x\"}"));
        assertProblem(428, SERVICE.send("DELETE", "/resources/" + id, null));
        // If-Match: * matches any version, so it does not name one
        assertProblem(428, put(id, "{\"name\": \"x\", \"data\": 1}", "*"));
        assertProblem(428, SERVICE.send("DELETE", "/resources/" + id, null, Map.of("If-Match", "*")));
        assertEquals(before, row(id));
    }

    @Test
    void ifMatchStarDefersToTheBodyVersion() {
        int id = create("star");
        HttpResponse<String> ok = put(id, "{\"name\": \"x\", \"data\": 1, \"version\": 1}", "*");
        assertEquals(200, ok.statusCode(), ok.body());
        // the version came from the body: a stale one is 409, not 412
        assertModified(409, 2, put(id, "{\"name\": \"y\", \"data\": 1, \"version\": 1}", "*"));
    }

    @Test
    void weakEtagNeverMatchesIfMatch() {
        int id = create("weak");
        String before = row(id);
        // RFC 9110 13.1.1: If-Match uses the strong comparison, so W/"1" does not match version 1
        assertModified(412, 1, put(id, "{\"name\": \"x\", \"data\": 1}", "W/\"1\""));
        assertModified(412, 1, SERVICE.send("DELETE", "/resources/" + id, null, Map.of("If-Match", "W/\"1\"")));
        assertEquals(before, row(id));
        // a list matches when one of its strong tags is current
        HttpResponse<String> r = put(id, "{\"name\": \"x\", \"data\": 1}", "W/\"1\", \"7\", \"1\"");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("\"2\"", r.headers().firstValue("ETag").orElse(""));
        assertModified(412, 2, put(id, "{\"name\": \"y\", \"data\": 1}", "\"1\", \"3\""));
    }

    @Test
    void malformedRequestsAre400NamingTheField() {
        int id = create("malformed");
        String before = row(id);
        Map<String, String> current = Map.of("If-Match", "\"1\"");
        HttpResponse<String> broken = SERVICE.send("PUT", "/resources/" + id, "{\"name\": \"x\", \"data\": ", current);
        assertField("body", broken);
        assertTrue(RunningService.json(broken).get("detail").asString().contains("line 1"), broken.body());
        assertField("name", SERVICE.send("PUT", "/resources/" + id, "{\"name\": 5, \"data\": 1}", current));
        assertField("data", SERVICE.send("PUT", "/resources/" + id, "{\"name\": \"x\"}", current));
        assertField("data", SERVICE.send("PATCH", "/resources/" + id, "{\"data\": null}", current));
        assertField("version", SERVICE.send("PATCH", "/resources/" + id, "{\"name\": \"x\", \"version\": \"1\"}"));
        assertField("version", SERVICE.send("PATCH", "/resources/" + id, "{\"name\": \"x\", \"version\": 1.5}"));
        assertField("version", SERVICE.send("DELETE", "/resources/" + id + "?version=one", null));
        assertField("body", SERVICE.send("PATCH", "/resources/" + id, "{\"version\": 1}"));
        assertField("body", SERVICE.send("POST", "/resources", "[1, 2]"));
        assertField("If-Match", put(id, "{\"name\": \"x\", \"data\": 1}", "1"));
        assertField("version", SERVICE.send("PUT", "/resources/" + id, "{\"name\": \"x\", \"data\": 1, \"version\": 2}", current));
        assertEquals(before, row(id));
    }

    @Test
    void deleteWithCurrentVersionIs204ThenGone() {
        int id = create("delete");
        assertEquals(204, SERVICE.send("DELETE", "/resources/" + id, null, Map.of("If-Match", "\"1\"")).statusCode());
        assertProblem(404, SERVICE.send("GET", "/resources/" + id, null));
        assertProblem(404, SERVICE.send("DELETE", "/resources/" + id, null, Map.of("If-Match", "\"1\"")));
        int other = create("delete by body version");
        assertEquals(204, SERVICE.send("DELETE", "/resources/" + other + "?version=1", null).statusCode());
        assertProblem(404, SERVICE.send("GET", "/resources/" + other, null));
    }

    @Test
    void sixteenConcurrentPutsWithOneIfMatchHaveOneWinner() throws Exception {
        int id = create("race");
        int writers = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<HttpResponse<String>>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String name = "writer " + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return SERVICE.send("PUT", "/resources/" + id, "{\"name\": \"" + name + "\", \"data\": {}}",
                            Map.of("If-Match", "\"1\""));
                }));
            }
            start.countDown();
            List<String> winners = new ArrayList<>();
            int refused = 0;
            for (Future<HttpResponse<String>> f : results) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    winners.add(RunningService.json(r).get("name").asString());
                } else {
                    assertModified(412, 2, r);
                    refused++;
                }
            }
            assertEquals(1, winners.size(), winners.toString());
            assertEquals(writers - 1, refused);
            JsonNode stored = RunningService.json(SERVICE.send("GET", "/resources/" + id, null));
            assertEquals(winners.get(0), stored.get("name").asString());
            assertEquals(2, stored.get("version").asInt());
        } finally {
            pool.shutdownNow();
        }
    }

    private int player(int team, String name, int points) {
        return SERVICE.dsl().insertInto(PLAYER, PLAYER.TEAM_ID, PLAYER.NAME, PLAYER.NUM_POINTS)
                .values(team, name, points).returning(PLAYER.ID).fetchOne().getId();
    }

    private int points(int player) {
        return SERVICE.dsl().fetchValue(PLAYER.NUM_POINTS, PLAYER.ID.eq(player));
    }

    @Test
    void transferMovesPointsOnOccsDirectPath() {
        int team = SERVICE.dsl().insertInto(TEAM, TEAM.NAME).values("transfer").returning(TEAM.ID).fetchOne().getId();
        int loser = player(team, "loser", 10);
        int winner = player(team, "winner", 10);
        RunningService.SEEN.clear();
        HttpResponse<String> r = SERVICE.send("POST", "/transfers",
                "{\"from\": " + loser + ", \"to\": " + winner + ", \"points\": 3}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(7, RunningService.json(r).get("from").asInt());
        assertEquals(13, RunningService.json(r).get("to").asInt());
        assertEquals(7, points(loser));
        assertEquals(13, points(winner));
        // jOOQ executed the reads, not the locked updates: they took occ's direct path, under Spring Boot's defaults
        assertTrue(RunningService.SEEN.stream().anyMatch(sql -> sql.startsWith("select")), RunningService.SEEN.toString());
        assertTrue(RunningService.SEEN.stream().noneMatch(sql -> sql.startsWith("update")), RunningService.SEEN.toString());
    }

    @Test
    void constraintViolationOnTheDirectPathReachesTheHandlerAsSpringTranslatesIt() {
        int team = SERVICE.dsl().insertInto(TEAM, TEAM.NAME).values("too few").returning(TEAM.ID).fetchOne().getId();
        int loser = player(team, "poor", 2);
        int winner = player(team, "rich", 10);
        RunningService.SEEN.clear();
        HttpResponse<String> r = assertProblem(422, SERVICE.send("POST", "/transfers",
                "{\"from\": " + loser + ", \"to\": " + winner + ", \"points\": 3}"));
        // 422 is the mapping of Spring's DataIntegrityViolationException: jOOQ's own exception would be a 500
        assertEquals("player_points_not_negative", RunningService.json(r).get("constraint").asString(), r.body());
        assertTrue(RunningService.SEEN.stream().noneMatch(sql -> sql.startsWith("update")), RunningService.SEEN.toString());
        assertEquals(2, points(loser));
        assertEquals(10, points(winner));
        assertProblem(404, SERVICE.send("POST", "/transfers", "{\"from\": " + loser + ", \"to\": 999999, \"points\": 1}"));
        assertField("to", SERVICE.send("POST", "/transfers", "{\"from\": " + loser + ", \"to\": " + loser + ", \"points\": 1}"));
        assertField("points", SERVICE.send("POST", "/transfers", "{\"from\": " + loser + ", \"to\": " + winner + ", \"points\": \"1\"}"));
        assertEquals(2, points(loser));
    }
}
