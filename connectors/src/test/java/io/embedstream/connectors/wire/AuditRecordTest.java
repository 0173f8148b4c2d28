package io.embedstream.connectors.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The audit topic's wire class against the topic's schema and golden records. */
class AuditRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaCheck SCHEMA = JsonSchemaCheck.load(GoldenRecords.AUDIT_SCHEMA);
    private static final List<String> GOLDEN = GoldenRecords.lines(GoldenRecords.AUDIT);

    @Test
    void aWrittenRecordConformsToTheSchemaWithEveryKeyItNames() throws Exception {
        for (String kind : List.of(AuditRecord.TRAINED, AuditRecord.DROPPED, AuditRecord.REFUSED,
                AuditRecord.HELD_OUT)) {
            byte[] json = new AuditRecord(kind, 17, kind.equals(AuditRecord.TRAINED), List.of("images-0-4711"),
                    List.of("digit-3")).toJson();
            SCHEMA.assertConforms(json);
            assertEquals(names(SCHEMA.schema().get("properties")), names(JSON.readTree(json)));
        }
        SCHEMA.assertConforms(new AuditRecord(AuditRecord.REFUSED, 3, false, List.of()).toJson());
    }

    @Test
    void labelsAreWrittenOnlyWhenTheStreamNamesItsClassesAndMatchTheIds() throws Exception {
        byte[] plain = new AuditRecord(AuditRecord.TRAINED, 5, true, List.of("a", "b")).toJson();
        assertTrue(!JSON.readTree(plain).has("labels"), new String(plain, StandardCharsets.UTF_8));
        AuditRecord named = new AuditRecord(AuditRecord.HELD_OUT, 5, false, List.of("a", "b"), List.of("x", "7"));
        assertEquals(named, AuditRecord.fromJson(named.toJson()));
        assertThrows(IllegalArgumentException.class,
                () -> new AuditRecord(AuditRecord.TRAINED, 1, true, List.of("a", "b"), List.of("x")));
        ObjectNode json = (ObjectNode) JSON.readTree(named.toJson());
        json.putArray("labels").add("x");
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> AuditRecord.fromJson(JSON.writeValueAsBytes(json)));
        assertEquals("audit record field 'labels' has 1 entries for 2 ids", e.getMessage());
    }

    @Test
    void goldenRecordsConformAndRoundTripByteForByte() {
        assertEquals(6, GOLDEN.size());
        for (String line : GOLDEN) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            SCHEMA.assertConforms(bytes);
            assertEquals(line, new String(AuditRecord.fromJson(bytes).toJson(), StandardCharsets.UTF_8));
        }
        AuditRecord first = AuditRecord.fromJson(GOLDEN.get(0).getBytes(StandardCharsets.UTF_8));
        assertEquals(new AuditRecord(AuditRecord.TRAINED, 17, true,
                List.of("images-0-4711", "images-0-4712", "images-1-803")), first);
        assertEquals("trained-17", new String(first.key(), StandardCharsets.UTF_8));
    }

    @Test
    void keysItDoesNotKnowAreIgnored() throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(GOLDEN.get(2));
        json.put("partition", 2);
        assertEquals(AuditRecord.fromJson(GOLDEN.get(2).getBytes(StandardCharsets.UTF_8)),
                AuditRecord.fromJson(JSON.writeValueAsBytes(json)));
    }

    @Test
    void eachRequiredKeyOfTheSchemaIsRequiredWhenReading() throws Exception {
        for (JsonNode key : SCHEMA.schema().get("required")) {
            ObjectNode json = (ObjectNode) JSON.readTree(GOLDEN.get(0));
            json.remove(key.asText());
            WireFormatException e = assertThrows(WireFormatException.class,
                    () -> AuditRecord.fromJson(JSON.writeValueAsBytes(json)));
            assertEquals("audit record is missing field '" + key.asText() + "'", e.getMessage());
        }
    }

    @Test
    void aMistypedValueIsAnErrorThatNamesTheField() throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(GOLDEN.get(0));
        json.putArray("ids").add("images-0-1").add(7);
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> AuditRecord.fromJson(JSON.writeValueAsBytes(json)));
        assertEquals("audit record field 'ids[1]' must be a string, got 7", e.getMessage());
        json.put("applied", "yes");
        e = assertThrows(WireFormatException.class, () -> AuditRecord.fromJson(JSON.writeValueAsBytes(json)));
        assertTrue(e.getMessage().startsWith("audit record field 'applied' must be true or false"), e.getMessage());
    }

    @Test
    void theRecordDoesNotChangeWhenItsIdsDo() {
        List<String> ids = new ArrayList<>(List.of("a"));
        AuditRecord record = new AuditRecord(AuditRecord.DROPPED, 1, false, ids);
        ids.add("b");
        assertEquals(List.of("a"), record.ids());
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
