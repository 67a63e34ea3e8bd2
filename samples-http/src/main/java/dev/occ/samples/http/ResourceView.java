package dev.occ.samples.http;

import dev.occ.samples.db.tables.records.ResourceRecord;
import java.time.OffsetDateTime;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A resource as the service sends it: its version in the body, and as the strong ETag
 * ({@link ExpectedVersion#etag}) of single-resource responses.
 *
 * @param id the identity
 * @param name the name
 * @param version the version, bumped by every write
 * @param data the JSON document
 * @param createdAt when it was created
 * @param updatedAt when it was last written
 */
public record ResourceView(int id, String name, int version, JsonNode data, OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    /**
     * @param r a stored row
     * @param json the service's JSON mapper
     * @return its view
     */
    public static ResourceView of(ResourceRecord r, ObjectMapper json) {
        return new ResourceView(r.getId(), r.getName(), r.getVersion(), json.readTree(r.getData().data()),
                r.getCreatedAt(), r.getUpdatedAt());
    }
}
