package io.embedstream.connectors.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The schema checker the wire tests rely on finds each kind of violation, so that their passing means something. */
class JsonSchemaCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaCheck METRICS = JsonSchemaCheck.load(GoldenRecords.METRICS_SCHEMA);

    @Test
    void aGoldenRecordConforms() throws Exception {
        assertEquals(List.of(), METRICS.violations(golden()));
    }

    @Test
    void eachKindOfViolationIsFound() throws Exception {
        assertViolation(r -> r.remove("time"), "/: missing required key 'time'");
        assertViolation(r -> r.put("step", "three"), "/step: expected \"integer\"");
        assertViolation(r -> r.put("images", 383.0), "/images: expected \"integer\"");
        assertViolation(r -> r.put("model_versions", 1), "/model_versions: key not in the schema");
        assertViolation(r -> r.with("metrics").put("collapse.spectrum.x", 1.0), "/metrics/collapse.spectrum.x: key not in the schema");
        assertViolation(r -> r.with("loss").put("cm", "low"), "/loss/cm: expected \"number\"");
        assertViolation(r -> r.put("type", "checkpoint"), "/type: expected \"window\"");
        assertViolation(r -> r.put("time", "yesterday"), "/time: 'yesterday' is not an ISO-8601 date-time");
        assertViolation(r -> r.put("window", 0), "/window: 0 is below the minimum 1");
        assertViolation(r -> r.with("quality").remove("p10"), "/quality: matches none of");
        assertViolation(r -> ((ArrayNode) r.get("alarms")).addObject().put("kind", "DATA_DRIFT").put("state", "ON")
                .put("reason", "r"), "/alarms/0/state: \"ON\" is not one of");
        assertViolation(r -> ((ArrayNode) r.get("notes")).removeAll().add(3), "/notes/0: expected \"string\"");
    }

    @Test
    void aKeyIsNamedByAPropertyOrAPattern() {
        assertTrue(METRICS.namesKey(List.of(), "model_version"));
        assertTrue(METRICS.namesKey(List.of("metrics"), "collapse.spectrum.12"));
        assertTrue(METRICS.namesKey(List.of("alarms", "[]"), "reason"));
        assertFalse(METRICS.namesKey(List.of(), "modelVersion"));
        assertFalse(METRICS.namesKey(List.of("loss"), "cm"), "a loss term is allowed, not named");
        assertFalse(METRICS.namesKey(List.of("no_such_object"), "x"));
    }

    @Test
    void aSchemaWithAKeywordTheCheckerDoesNotKnowIsRefused() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonSchemaCheck.of(
                JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"^x\"}}}")));
        assertTrue(e.getMessage().contains("'pattern' at #/properties/a"), e.getMessage());
    }

    private static ObjectNode golden() throws Exception {
        return (ObjectNode) JSON.readTree(GoldenRecords.lines(GoldenRecords.METRICS).get(2));
    }

    private static void assertViolation(java.util.function.Consumer<ObjectNode> change, String expected)
            throws Exception {
        ObjectNode record = golden();
        ((ArrayNode) record.get("alarms")).removeAll();
        change.accept(record);
        List<String> found = METRICS.violations(record);
        assertTrue(found.stream().anyMatch(v -> v.startsWith(expected)), "expected " + expected + " in " + found);
    }
}
