package dev.occ.samples.http;

import static dev.occ.samples.db.Tables.RESOURCE;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A request body of {@code POST}, {@code PUT} or {@code PATCH /resources}, checked field by field:
 * {@code name} a string, {@code data} any JSON value but {@code null}, {@code version} a positive
 * integer. A field of the wrong type is a 400 that names it; {@code id}, {@code createdAt} and
 * {@code updatedAt}, as a client got them, are ignored.
 *
 * @param name the new name, or {@code null} when absent
 * @param data the new document, or {@code null} when absent
 * @param version the version the client read, or {@code null} when absent
 */
public record ResourceInput(@Nullable String name, @Nullable JSONB data, @Nullable Integer version) {

    /**
     * Checks a body.
     *
     * @param body the parsed JSON body
     * @param complete whether {@code name} and {@code data} are required ({@code POST}, {@code PUT})
     *     or optional ({@code PATCH}, which needs at least one of them)
     * @return the fields
     * @throws Problems.ProblemException 400 naming the field at fault
     */
    public static ResourceInput parse(@Nullable JsonNode body, boolean complete) {
        if (body == null || !body.isObject()) {
            throw Problems.badRequest("body", "the body must be a JSON object with name and data");
        }
        String name = null;
        JsonNode n = body.get("name");
        if (n != null) {
            if (!n.isString()) {
                throw Problems.badRequest("name", "name must be a string, but is " + n.getNodeType().name().toLowerCase());
            }
            name = n.asString();
        }
        JSONB data = null;
        JsonNode d = body.get("data");
        if (d != null) {
            if (d.isNull()) {
                throw Problems.badRequest("data", "data must be a JSON value, not null");
            }
            data = JSONB.valueOf(d.toString());
        }
        Integer version = null;
        JsonNode v = body.get("version");
        if (v != null) {
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
                throw Problems.badRequest("version", "version must be a positive integer, but is " + v);
            }
            version = v.asInt();
        }
        if (complete && name == null) {
            throw Problems.badRequest("name", "name is missing");
        }
        if (complete && data == null) {
            throw Problems.badRequest("data", "data is missing");
        }
        if (!complete && name == null && data == null) {
            throw Problems.badRequest("body", "a PATCH changes name, data or both, but names neither");
        }
        return new ResourceInput(name, data, version);
    }

    /** @return the columns this body writes */
    public Map<Field<?>, Object> changes() {
        Map<Field<?>, Object> changes = new LinkedHashMap<>();
        if (name != null) {
            changes.put(RESOURCE.NAME, name);
        }
        if (data != null) {
            changes.put(RESOURCE.DATA, data);
        }
        return changes;
    }
}
