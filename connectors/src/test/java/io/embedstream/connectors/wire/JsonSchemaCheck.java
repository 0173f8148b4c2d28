package io.embedstream.connectors.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks JSON documents against the topics' JSON Schemas (draft 2020-12), for tests. It implements only the keywords
 * those schemas use, and refuses a schema with any other keyword, so that no constraint a schema states can go
 * unchecked. Stricter than the standard in one place: {@code integer} means written without a fraction ({@code 3},
 * not {@code 3.0}), because the writers write counts that way and readers rely on it.
 */
public final class JsonSchemaCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "title", "description");
    private static final Set<String> KEYWORDS = Set.of("type", "const", "enum", "properties", "required",
            "additionalProperties", "patternProperties", "items", "minimum", "maximum", "maxProperties", "anyOf",
            "format");

    private final JsonNode schema;

    private JsonSchemaCheck(JsonNode schema) {
        refuseUnknownKeywords(schema, "#");
        this.schema = schema;
    }

    /** The schema at a classpath resource, e.g. {@code /wire/embedstream.metrics.schema.json}. */
    public static JsonSchemaCheck load(String resource) {
        try (InputStream in = JsonSchemaCheck.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + resource + " is missing");
            }
            return new JsonSchemaCheck(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonSchemaCheck of(JsonNode schema) {
        return new JsonSchemaCheck(schema);
    }

    public JsonNode schema() {
        return schema;
    }

    /** Every way the document breaks the schema, each with its JSON pointer; empty when it conforms. */
    public List<String> violations(JsonNode document) {
        List<String> found = new ArrayList<>();
        check(schema, document, "", found);
        return found;
    }

    /** @throws AssertionError listing the violations, when the JSON does not conform */
    public void assertConforms(byte[] json) {
        JsonNode document;
        try {
            document = JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(json, java.nio.charset.StandardCharsets.UTF_8), e);
        }
        List<String> found = violations(document);
        if (!found.isEmpty()) {
            throw new AssertionError("does not conform to " + schema.path("$id").asText("the schema") + ": " + found);
        }
    }

    /**
     * Whether the schema names a key of the object found by following {@code path} from the root (property names,
     * {@code []} for array items): as a property or by a pattern. A key allowed only by {@code additionalProperties}
     * is not named.
     */
    public boolean namesKey(List<String> path, String key) {
        JsonNode at = schema;
        for (String step : path) {
            at = step.equals("[]") ? at.path("items") : at.path("properties").path(step);
            if (at.isMissingNode()) {
                return false;
            }
        }
        if (at.path("properties").has(key)) {
            return true;
        }
        for (Iterator<String> it = at.path("patternProperties").fieldNames(); it.hasNext(); ) {
            if (Pattern.compile(it.next()).matcher(key).find()) {
                return true;
            }
        }
        return false;
    }

    private static void check(JsonNode s, JsonNode doc, String pointer, List<String> found) {
        String at = pointer.isEmpty() ? "/" : pointer;
        if (s.has("type") && !hasType(s.get("type"), doc)) {
            found.add(at + ": expected " + s.get("type") + ", got " + doc.getNodeType() + " " + doc);
            return;
        }
        if (s.has("const") && !s.get("const").equals(doc)) {
            found.add(at + ": expected " + s.get("const") + ", got " + doc);
        }
        if (s.has("enum") && !contains(s.get("enum"), doc)) {
            found.add(at + ": " + doc + " is not one of " + s.get("enum"));
        }
        if (s.has("minimum") && doc.isNumber() && doc.doubleValue() < s.get("minimum").doubleValue()) {
            found.add(at + ": " + doc + " is below the minimum " + s.get("minimum"));
        }
        if (s.has("maximum") && doc.isNumber() && doc.doubleValue() > s.get("maximum").doubleValue()) {
            found.add(at + ": " + doc + " is above the maximum " + s.get("maximum"));
        }
        if (s.has("format")) {
            checkFormat(s.get("format").asText(), doc, at, found);
        }
        if (s.has("anyOf")) {
            boolean any = false;
            for (JsonNode option : s.get("anyOf")) {
                any |= violationsOf(option, doc, pointer).isEmpty();
            }
            if (!any) {
                found.add(at + ": matches none of " + s.get("anyOf"));
            }
        }
        if (doc.isObject()) {
            checkObject(s, doc, pointer, found);
        }
        if (doc.isArray() && s.has("items")) {
            for (int i = 0; i < doc.size(); i++) {
                check(s.get("items"), doc.get(i), pointer + "/" + i, found);
            }
        }
    }

    private static void checkObject(JsonNode s, JsonNode doc, String pointer, List<String> found) {
        for (JsonNode required : s.path("required")) {
            if (!doc.has(required.asText())) {
                found.add((pointer.isEmpty() ? "/" : pointer) + ": missing required key '" + required.asText() + "'");
            }
        }
        if (s.has("maxProperties") && doc.size() > s.get("maxProperties").asInt()) {
            found.add((pointer.isEmpty() ? "/" : pointer) + ": more than " + s.get("maxProperties") + " keys");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String child = pointer + "/" + field.getKey();
            boolean named = false;
            if (s.path("properties").has(field.getKey())) {
                named = true;
                check(s.get("properties").get(field.getKey()), field.getValue(), child, found);
            }
            for (Iterator<Map.Entry<String, JsonNode>> p = s.path("patternProperties").fields(); p.hasNext(); ) {
                Map.Entry<String, JsonNode> pattern = p.next();
                if (Pattern.compile(pattern.getKey()).matcher(field.getKey()).find()) {
                    named = true;
                    check(pattern.getValue(), field.getValue(), child, found);
                }
            }
            JsonNode additional = s.get("additionalProperties");
            if (!named && additional != null) {
                if (additional.isBoolean()) {
                    if (!additional.booleanValue()) {
                        found.add(child + ": key not in the schema");
                    }
                } else {
                    check(additional, field.getValue(), child, found);
                }
            }
        }
    }

    private static List<String> violationsOf(JsonNode s, JsonNode doc, String pointer) {
        List<String> found = new ArrayList<>();
        check(s, doc, pointer, found);
        return found;
    }

    private static boolean hasType(JsonNode type, JsonNode doc) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (hasType(t, doc)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> doc.isObject();
            case "array" -> doc.isArray();
            case "string" -> doc.isTextual();
            case "integer" -> doc.isIntegralNumber();
            case "number" -> doc.isNumber();
            case "boolean" -> doc.isBoolean();
            case "null" -> doc.isNull();
            default -> throw new IllegalArgumentException("unknown JSON Schema type " + type);
        };
    }

    private static boolean contains(JsonNode values, JsonNode doc) {
        for (JsonNode v : values) {
            if (v.equals(doc)) {
                return true;
            }
        }
        return false;
    }

    private static void checkFormat(String format, JsonNode doc, String at, List<String> found) {
        if (!format.equals("date-time")) {
            throw new IllegalArgumentException("format '" + format + "' is not supported by this checker");
        }
        if (doc.isTextual()) {
            try {
                Instant.parse(doc.textValue());
            } catch (DateTimeParseException e) {
                found.add(at + ": '" + doc.textValue() + "' is not an ISO-8601 date-time");
            }
        }
    }

    private static void refuseUnknownKeywords(JsonNode s, String where) {
        if (!s.isObject()) {
            throw new IllegalArgumentException("schema at " + where + " is not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String keyword = field.getKey();
            JsonNode value = field.getValue();
            if (ANNOTATIONS.contains(keyword)) {
                continue;
            }
            if (!KEYWORDS.contains(keyword)) {
                throw new IllegalArgumentException("schema keyword '" + keyword + "' at " + where
                        + " is not supported by this checker");
            }
            switch (keyword) {
                case "properties", "patternProperties" -> value.fields().forEachRemaining(
                        e -> refuseUnknownKeywords(e.getValue(), where + "/" + keyword + "/" + e.getKey()));
                case "items" -> refuseUnknownKeywords(value, where + "/items");
                case "additionalProperties" -> {
                    if (!value.isBoolean()) {
                        refuseUnknownKeywords(value, where + "/additionalProperties");
                    }
                }
                case "anyOf" -> {
                    for (int i = 0; i < value.size(); i++) {
                        refuseUnknownKeywords(value.get(i), where + "/anyOf/" + i);
                    }
                }
                default -> { }
            }
        }
    }
}
