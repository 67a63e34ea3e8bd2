package dev.occ.samples.http;

import dev.occ.samples.db.tables.records.ResourceRecord;
import java.net.URI;
import java.util.List;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code /resources}: the OCC guide's resource over HTTP. Every write of an existing resource names
 * the version it read, as {@code If-Match: "3"} or as the body's {@code "version": 3} (see
 * {@link ExpectedVersion}); the handlers only say what to write, and occ's conflicts are mapped to
 * HTTP in {@link ConflictAdvice} alone.
 */
@RestController
@RequestMapping("/resources")
public class ResourceController {

    private final ResourceRepository repository;
    private final ObjectMapper json;

    /**
     * @param repository the resources
     * @param json the service's JSON mapper
     */
    public ResourceController(ResourceRepository repository, ObjectMapper json) {
        this.repository = repository;
        this.json = json;
    }

    /** @return every resource, by id, each with its version */
    @GetMapping
    public List<ResourceView> list() {
        return repository.list().stream().map(r -> ResourceView.of(r, json)).toList();
    }

    /**
     * @param id the resource
     * @return the resource, its version as the strong ETag
     */
    @GetMapping("/{id}")
    public ResponseEntity<ResourceView> get(@PathVariable int id) {
        return ok(repository.find(id).orElseThrow(Problems::notFound));
    }

    /**
     * Creates a resource at version 1.
     *
     * @param body {@code {"name": "...", "data": {...}}}
     * @return 201 with {@code Location} and {@code ETag}
     */
    @PostMapping
    public ResponseEntity<ResourceView> create(@RequestBody JsonNode body) {
        ResourceInput input = ResourceInput.parse(body, true);
        ResourceRecord created = repository.create(input.name(), input.data());
        return ResponseEntity.created(URI.create("/resources/" + created.getId()))
                .eTag(ExpectedVersion.etag(created.getVersion()))
                .body(ResourceView.of(created, json));
    }

    /**
     * Replaces name and data, if the resource is still at the version the client read.
     *
     * @param id the resource
     * @param ifMatch the ETag the client read, or none when the body has {@code version}
     * @param body {@code {"name": "...", "data": {...}}}, with {@code "version"} when there is no
     *     {@code If-Match}
     * @return 200 with the stored resource and its new ETag
     */
    @PutMapping("/{id}")
    public ResponseEntity<ResourceView> replace(@PathVariable int id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
            @RequestBody JsonNode body) {
        return write(id, ifMatch, ResourceInput.parse(body, true),
                (version, input) -> repository.replace(id, version, input.name(), input.data()));
    }

    /**
     * Changes name, data or both, if the resource is still at the version the client read.
     *
     * @param id the resource
     * @param ifMatch the ETag the client read, or none when the body has {@code version}
     * @param body {@code {"name": "..."}}, {@code {"data": ...}} or both, with {@code "version"} when
     *     there is no {@code If-Match}
     * @return 200 with the stored resource and its new ETag
     */
    @PatchMapping("/{id}")
    public ResponseEntity<ResourceView> patch(@PathVariable int id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
            @RequestBody JsonNode body) {
        return write(id, ifMatch, ResourceInput.parse(body, false),
                (version, input) -> repository.patch(id, version, input.changes()));
    }

    /**
     * Deletes the resource, if it is still at the version the client read. A {@code DELETE} has no
     * body, so the version comes from {@code If-Match} or the query ({@code ?version=3}).
     *
     * @param id the resource
     * @param ifMatch the ETag the client read
     * @param version the version the client read, when there is no {@code If-Match}
     * @return 204
     */
    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable int id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
            @RequestParam(name = "version", required = false) @Nullable String version) {
        ExpectedVersion expected = ExpectedVersion.resolve(ifMatch, queryVersion(version), () -> currentVersion(id));
        repository.delete(id, expected.version());
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }

    /** Resolves the expected version, then writes with it; occ's conflict goes to {@link ConflictAdvice}. */
    private ResponseEntity<ResourceView> write(int id, @Nullable String ifMatch, ResourceInput input,
            BiFunction<Integer, ResourceInput, ResourceRecord> writer) {
        ExpectedVersion expected = ExpectedVersion.resolve(ifMatch, input.version(), () -> currentVersion(id));
        return ok(writer.apply(expected.version(), input));
    }

    private java.util.Optional<Integer> currentVersion(int id) {
        return repository.find(id).map(ResourceRecord::getVersion);
    }

    private static @Nullable Integer queryVersion(@Nullable String version) {
        if (version == null) {
            return null;
        }
        try {
            int v = Integer.parseInt(version);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problems.badRequest("version", "version must be a positive integer, but is " + version);
    }

    private ResponseEntity<ResourceView> ok(ResourceRecord r) {
        return ResponseEntity.ok().eTag(ExpectedVersion.etag(r.getVersion())).body(ResourceView.of(r, json));
    }
}
