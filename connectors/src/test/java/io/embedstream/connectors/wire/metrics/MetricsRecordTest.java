package io.embedstream.connectors.wire.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.connectors.wire.GoldenRecords;
import io.embedstream.connectors.wire.JsonSchemaCheck;
import io.embedstream.connectors.wire.WireFormatException;
import org.junit.jupiter.api.Test;

/** The metrics topic's wire class against the topic's schema and records a real run wrote. */
class MetricsRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaCheck SCHEMA = JsonSchemaCheck.load(GoldenRecords.METRICS_SCHEMA);
    private static final List<String> GOLDEN = GoldenRecords.lines(GoldenRecords.METRICS);

    @Test
    void aWrittenRecordConformsToTheSchemaWithEveryKeyItNames() throws Exception {
        byte[] full = withEverything().toJson();
        SCHEMA.assertConforms(full);
        SCHEMA.assertConforms(withNothingOptional().toJson());
        // additionalProperties:false catches keys the schema lacks; this catches keys the writer never writes.
        assertEquals(names(SCHEMA.schema().get("properties")), names(JSON.readTree(full)));
        assertEquals(names(SCHEMA.schema().at("/properties/batcher/properties")), names(JSON.readTree(full).get("batcher")));
        assertEquals(names(SCHEMA.schema().at("/properties/quality/properties")), names(JSON.readTree(full).get("quality")));
    }

    @Test
    void goldenRecordsConformAndRoundTripByteForByte() {
        assertEquals(4, GOLDEN.size());
        for (String line : GOLDEN) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            SCHEMA.assertConforms(bytes);
            assertEquals(line, new String(MetricsRecord.fromJson(bytes).toJson(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void goldenValuesAreReadIntoTheirFields() {
        MetricsRecord first = read(GOLDEN.get(0));
        assertEquals(1, first.window());
        assertEquals(Instant.parse("2026-11-23T21:12:40.850Z"), first.time());
        assertEquals(new BatcherTotals(317, 30, 0), first.batcher());
        assertEquals(0.0015f, first.learningRate());
        assertEquals(OptionalDouble.of(115.099297), first.loss().total());
        assertEquals(List.of("cm", "ldmat", "anticollapse_proxies"), List.copyOf(first.loss().terms().keySet()));
        assertEquals(OptionalDouble.of(85.4503078872118), first.metric(MetricsRecord.EFFECTIVE_RANK));
        assertEquals(Optional.empty(), first.versionDrift());
        MetricsRecord alarmed = read(GOLDEN.get(2));
        assertEquals(List.of(new AlarmChange("VERSION_DRIFT", AlarmChange.RAISED,
                alarmed.alarms().get(0).reason())), alarmed.alarms());
        assertTrue(alarmed.alarms().get(0).raised());
        assertEquals(List.of("VERSION_DRIFT"), alarmed.activeAlarms());
        assertEquals(OptionalDouble.empty(), alarmed.metric(MetricsRecord.DRIFT_P_VALUE));
        assertEquals(List.of("data drift: reference or current sample not yet full"), alarmed.notes());
        VersionDriftFigures drift = alarmed.versionDrift().orElseThrow();
        assertTrue(drift.toVersion() > drift.fromVersion(), drift.toString());
        assertEquals(OptionalDouble.of(drift.figures().get(VersionDriftFigures.CKA)), drift.figure(VersionDriftFigures.CKA));
        assertEquals(OptionalDouble.empty(), drift.figure("version.no_such_figure"));
        assertEquals(OptionalDouble.of(17.184182), first.loss().term("cm"));

        // The calibrated drift detectors' figures and the class-aware alarms (issue 18).
        MetricsRecord classAware = read(GOLDEN.get(3));
        assertEquals(List.of("VERSION_DRIFT", "LABEL_SHIFT", "CLASS_DRIFT"), classAware.activeAlarms());
        assertEquals(List.of("LABEL_SHIFT", "CLASS_DRIFT"), classAware.alarms().stream().map(AlarmChange::kind).toList());
        assertTrue(classAware.alarms().get(0).reason().contains("moved: class 5"), classAware.alarms().get(0).reason());
        assertTrue(classAware.alarms().get(1).reason().contains("drifting classes [3]"), classAware.alarms().get(1).reason());
        assertEquals(OptionalDouble.of(0.0021), classAware.metric("drift.ert.statistic"));
        assertEquals(OptionalDouble.of(0.0049), classAware.metric("drift.ert.threshold"));
        assertEquals(OptionalDouble.of(0.001), classAware.metric("drift.label_shift.p_value"));
        assertEquals(OptionalDouble.of(0.383), classAware.metric("drift.label_shift.total_variation"));
        assertEquals(OptionalDouble.of(1.0), classAware.metric("drift.class.3.drifting"));
        assertEquals(OptionalDouble.of(0.0), classAware.metric("drift.reference.rebases"));
        assertEquals(OptionalDouble.of(0.0), classAware.versionDrift().orElseThrow().figure("version.warmup_left"));
        assertEquals(OptionalDouble.empty(), first.loss().term("anticollapse_features"));
    }

    @Test
    void keysItDoesNotKnowAreIgnored() throws Exception {
        ObjectNode json = golden(2);
        json.put("written_by", "a newer job");
        json.with("batcher").put("evicted", 3);
        ((ObjectNode) json.get("alarms").get(0)).put("severity", "high");
        assertEquals(read(GOLDEN.get(2)), MetricsRecord.fromJson(JSON.writeValueAsBytes(json)));
    }

    @Test
    void eachRequiredKeyOfTheSchemaIsRequiredWhenReading() throws Exception {
        for (JsonNode key : SCHEMA.schema().get("required")) {
            ObjectNode json = golden(2);
            json.remove(key.asText());
            assertRefused(json, "metrics record is missing field '" + key.asText() + "'");
        }
        for (JsonNode key : SCHEMA.schema().at("/properties/batcher/required")) {
            ObjectNode json = golden(2);
            json.with("batcher").remove(key.asText());
            assertRefused(json, "metrics record is missing field 'batcher." + key.asText() + "'");
        }
        for (JsonNode key : SCHEMA.schema().at("/properties/version_drift/required")) {
            ObjectNode json = golden(2);
            json.with("version_drift").remove(key.asText());
            assertRefused(json, "metrics record is missing field 'version_drift." + key.asText() + "'");
        }
        for (JsonNode key : SCHEMA.schema().at("/properties/alarms/items/required")) {
            ObjectNode json = golden(2);
            ((ObjectNode) json.get("alarms").get(0)).remove(key.asText());
            assertRefused(json, "metrics record is missing field 'alarms[0]." + key.asText() + "'");
        }
    }

    @Test
    void eachOptionalKeyOfTheSchemaMayBeAbsent() throws Exception {
        Set<String> optional = names(SCHEMA.schema().get("properties"));
        SCHEMA.schema().get("required").forEach(k -> optional.remove(k.asText()));
        assertEquals(Set.of("gradient_norm", "version_drift", "class_names"), optional);
        ObjectNode json = golden(2);
        optional.forEach(json::remove);
        json.with("loss").remove("total");
        json.with("quality").removeAll();
        MetricsRecord record = MetricsRecord.fromJson(JSON.writeValueAsBytes(json));
        assertEquals(OptionalDouble.empty(), record.gradientNorm());
        assertEquals(Optional.empty(), record.versionDrift());
        assertEquals(OptionalDouble.empty(), record.loss().total());
        assertEquals(Optional.empty(), record.quality());
        SCHEMA.assertConforms(record.toJson());
    }

    @Test
    void aMistypedValueIsAnErrorThatNamesTheField() throws Exception {
        ObjectNode json = golden(0);
        json.put("step", "three");
        assertRefused(json, "metrics record field 'step' must be an integer, got \"three\"");
        json = golden(0);
        json.with("metrics").put(MetricsRecord.EFFECTIVE_RANK, "high");
        assertRefused(json, "metrics record field 'metrics.collapse.effective_rank' must be a finite number");
        json = golden(0);
        json.put("time", "yesterday");
        assertRefused(json, "metrics record field 'time' is not an ISO-8601 instant: 'yesterday'");
        json = golden(0);
        json.with("quality").remove("p10");
        assertRefused(json, "metrics record is missing field 'quality.p10'");
        json = golden(0);
        json.put("type", "checkpoint");
        assertRefused(json, "metrics record has type 'checkpoint', not 'window'");
        WireFormatException notJson = assertThrows(WireFormatException.class,
                () -> MetricsRecord.fromJson("not json".getBytes(StandardCharsets.UTF_8)));
        assertTrue(notJson.getMessage().startsWith("metrics record is not valid JSON"), notJson.getMessage());
    }

    @Test
    void classNamesRoundTripAndAreAbsentForIntegerLabels() throws Exception {
        MetricsRecord named = withEverything();
        MetricsRecord read = MetricsRecord.fromJson(named.toJson());
        assertEquals(named, read);
        assertEquals("digit-3", read.className(3));
        assertEquals("7", read.className(7));
        assertTrue(!JSON.readTree(withNothingOptional().toJson()).has("class_names"));
        ObjectNode json = (ObjectNode) JSON.readTree(named.toJson());
        json.with("class_names").put("three", "x");
        assertRefused(json, "metrics record field 'class_names' has key 'three', not a class index");
    }

    @Test
    void aNonFiniteFigureIsRefusedBeforeItReachesTheTopic() {
        Map<String, Double> metrics = Map.of(MetricsRecord.EFFECTIVE_RANK, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withMetrics(metrics, OptionalDouble.of(1.0)));
        assertTrue(e.getMessage().contains("'metrics.collapse.effective_rank' must be finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> withMetrics(Map.of(), OptionalDouble.of(Double.POSITIVE_INFINITY)));
    }

    @Test
    void theRecordDoesNotChangeWhenItsInputsDo() {
        Map<String, Double> metrics = new LinkedHashMap<>(Map.of(MetricsRecord.EFFECTIVE_RANK, 20.0));
        MetricsRecord record = withMetrics(metrics, OptionalDouble.empty());
        metrics.put(MetricsRecord.DRIFT_P_VALUE, 0.5);
        assertEquals(Set.of(MetricsRecord.EFFECTIVE_RANK), record.metrics().keySet());
        assertThrows(UnsupportedOperationException.class, () -> record.metrics().put("x", 1.0));
    }

    private static MetricsRecord withEverything() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("window.size", 256.0);
        metrics.put(MetricsRecord.EFFECTIVE_RANK, 23.4);
        metrics.put("collapse.spectrum.0", 9.5);
        metrics.put("norms.class.3.mean", 7.9);
        metrics.put(MetricsRecord.DRIFT_P_VALUE, 0.41);
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put(VersionDriftFigures.CKA, 0.93);
        figures.put("version.class.2.centroid_shift", 0.05);
        return new MetricsRecord(12, 96, 1, Instant.parse("2026-11-23T19:00:00.125Z"), 1024, 8, 190.4, 1, 3, 64,
                new BatcherTotals(12400, 240, 2), 0.01f, OptionalDouble.of(3.2),
                new LossMeans(OptionalDouble.of(1.1), Map.of("cm", 0.6)),
                Optional.of(new QualitySummary(0.91, 0.62, 0.2, 0.08)), metrics, List.of("a note"),
                Optional.of(new VersionDriftFigures(1, 2, figures)),
                List.of(new AlarmChange("DATA_DRIFT", AlarmChange.RAISED, "MMD p-value 0.0050 <= alpha 0.0100")),
                List.of("DATA_DRIFT"), Map.of(3, "digit-3", 2, "caf\u00e9 \"two\""));
    }

    private static MetricsRecord withNothingOptional() {
        return withMetrics(Map.of(), OptionalDouble.empty());
    }

    private static MetricsRecord withMetrics(Map<String, Double> metrics, OptionalDouble gradientNorm) {
        return new MetricsRecord(1, 8, 0, Instant.parse("2026-11-23T19:00:00Z"), 128, 1, 0, 1, 1, 0,
                new BatcherTotals(128, 0, 0), 0.01f, gradientNorm, new LossMeans(OptionalDouble.empty(), Map.of()),
                Optional.empty(), metrics, List.of(), Optional.empty(), List.of(), List.of());
    }

    private static MetricsRecord read(String line) {
        return MetricsRecord.fromJson(line.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode golden(int index) throws Exception {
        return (ObjectNode) JSON.readTree(GOLDEN.get(index));
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertRefused(ObjectNode json, String expected) throws Exception {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> MetricsRecord.fromJson(JSON.writeValueAsBytes(json)), "expected refusal: " + expected);
        assertTrue(e.getMessage().startsWith(expected), "expected '" + expected + "', got '" + e.getMessage() + "'");
    }
}
