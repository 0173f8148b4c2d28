package io.embedstream.connectors.model;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON form of {@link ModelManifest}, written field by field so the wire format does not depend on Jackson's
 * record conventions. Example (compact on the wire, one line):
 *
 * <pre>{@code
 * {"format":1,"version":7,"trainingStep":1200,"createdAt":"2026-11-23T18:00:00Z",
 *  "architecture":"embedding-cnn","architectureConfig":{...},"input":{"width":28,"height":28,"channels":1},
 *  "embeddingSize":64,"loss":{...},"parameterBytes":3145728,"parameterSha256":"9f86...","chunkCount":6,
 *  "chunkBytes":524288,"extras":{...},
 *  "classTable":{"bytes":5160000,"sha256":"4e07...","chunkCount":10,"classes":10000,"dimensions":128},
 *  "signature":{"algorithm":"Ed25519","keyId":"3f2a...","value":"<base64>"}}
 * }</pre>
 *
 * <p>{@code "classTable"} is there only for a version with a class table ({@link ClassTable}); older readers ignore
 * it (and go without the nearest class), older manifests lack it (and may carry the table inline in their extras).
 *
 * <p>{@code "signature"} is null for an unsigned manifest; readers treat a missing field (older writers) the same.
 *
 * <p>Reading ignores unknown fields (newer writers may add some) and rejects a {@code format} newer than
 * {@link ModelManifest#FORMAT}. Missing required fields are reported by name.
 */
public final class ModelManifestJson {

    private static final String CLASS_TABLE_FIELD = "classTable";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };

    private ModelManifestJson() {
    }

    /** Compact UTF-8 JSON (one line: readable in {@code kcat} output). */
    public static byte[] toBytes(ModelManifest manifest) {
        try {
            return MAPPER.writeValueAsBytes(toTree(manifest));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("manifest of version " + manifest.version()
                    + " is not serializable (extras must be JSON-compatible): " + e.getOriginalMessage(), e);
        }
    }

    /** Indented UTF-8 JSON, for files people read. */
    public static byte[] toPrettyBytes(ModelManifest manifest) {
        try {
            return PRETTY.writeValueAsBytes(toTree(manifest));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("manifest of version " + manifest.version()
                    + " is not serializable (extras must be JSON-compatible): " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses a manifest.
     *
     * @throws ModelFormatException with the reason if the bytes are not a valid manifest
     */
    public static ModelManifest fromBytes(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new ModelFormatException("manifest is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException("manifest is not a JSON object");
        }
        int format = (int) requiredLong(root, "format");
        if (format > ModelManifest.FORMAT) {
            throw new ModelFormatException("manifest format " + format + " is newer than supported format "
                    + ModelManifest.FORMAT);
        }
        JsonNode input = required(root, "input");
        try {
            return new ModelManifest(
                    requiredLong(root, "version"),
                    requiredLong(root, "trainingStep"),
                    parseInstant(requiredText(root, "createdAt")),
                    requiredText(root, "architecture"),
                    optionalMap(root, "architectureConfig"),
                    new InputShape((int) requiredLong(input, "width"), (int) requiredLong(input, "height"),
                            (int) requiredLong(input, "channels")),
                    (int) requiredLong(root, "embeddingSize"),
                    optionalMap(root, "loss"),
                    requiredLong(root, "parameterBytes"),
                    requiredText(root, "parameterSha256"),
                    (int) requiredLong(root, "chunkCount"),
                    (int) requiredLong(root, "chunkBytes"),
                    optionalMap(root, "extras"),
                    classTable(root),
                    signature(root));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("manifest is invalid: " + e.getMessage(), e);
        }
    }

    private static ObjectNode toTree(ModelManifest m) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", ModelManifest.FORMAT);
        root.put("version", m.version());
        root.put("trainingStep", m.trainingStep());
        root.put("createdAt", m.createdAt().toString());
        root.put("architecture", m.architecture());
        root.set("architectureConfig", MAPPER.valueToTree(m.architectureConfig()));
        ObjectNode input = root.putObject("input");
        input.put("width", m.input().width());
        input.put("height", m.input().height());
        input.put("channels", m.input().channels());
        root.put("embeddingSize", m.embeddingSize());
        root.set("loss", MAPPER.valueToTree(m.loss()));
        root.put("parameterBytes", m.parameterBytes());
        root.put("parameterSha256", m.parameterSha256());
        root.put("chunkCount", m.chunkCount());
        root.put("chunkBytes", m.chunkBytes());
        root.set("extras", MAPPER.valueToTree(m.extras()));
        if (m.classTable() != null) {
            ObjectNode table = root.putObject(CLASS_TABLE_FIELD);
            table.put("bytes", m.classTable().bytes());
            table.put("sha256", m.classTable().sha256());
            table.put("chunkCount", m.classTable().chunkCount());
            table.put("classes", m.classTable().classes());
            table.put("dimensions", m.classTable().dimensions());
        }
        if (m.signature() == null) {
            root.putNull(ManifestCanonicalForm.SIGNATURE_FIELD);
        } else {
            ObjectNode signature = root.putObject(ManifestCanonicalForm.SIGNATURE_FIELD);
            signature.put("algorithm", m.signature().algorithm());
            signature.put("keyId", m.signature().keyId());
            signature.put("value", m.signature().value());
        }
        return root;
    }

    /** Absent or null: the version has no class table blob. */
    private static ModelManifest.ClassTableRef classTable(JsonNode root) {
        JsonNode value = root.get(CLASS_TABLE_FIELD);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new ModelFormatException("manifest field '" + CLASS_TABLE_FIELD + "' must be an object or null, got "
                    + value.getNodeType());
        }
        return new ModelManifest.ClassTableRef(requiredLong(value, "bytes"), requiredText(value, "sha256"),
                (int) requiredLong(value, "chunkCount"), (int) requiredLong(value, "classes"),
                (int) requiredLong(value, "dimensions"));
    }

    /** Absent (manifests written before signatures existed) or null means unsigned. */
    private static ManifestSignature signature(JsonNode root) {
        JsonNode value = root.get(ManifestCanonicalForm.SIGNATURE_FIELD);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new ModelFormatException("manifest field 'signature' must be an object or null, got "
                    + value.getNodeType());
        }
        return new ManifestSignature(requiredText(value, "algorithm"), requiredText(value, "keyId"),
                requiredText(value, "value"));
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new ModelFormatException("manifest is missing field '" + field + "'");
        }
        return value;
    }

    private static long requiredLong(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new ModelFormatException("manifest field '" + field + "' must be an integer, got " + value);
        }
        return value.longValue();
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isTextual()) {
            throw new ModelFormatException("manifest field '" + field + "' must be a string, got " + value);
        }
        return value.textValue();
    }

    private static Map<String, Object> optionalMap(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new ModelFormatException("manifest field '" + field + "' must be an object, got " + value.getNodeType());
        }
        return MAPPER.convertValue(value, MAP);
    }

    private static Instant parseInstant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ModelFormatException("manifest field 'createdAt' is not an ISO-8601 instant: '" + text + "'", e);
        }
    }
}
