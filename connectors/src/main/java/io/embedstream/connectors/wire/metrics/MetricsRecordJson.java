package io.embedstream.connectors.wire.metrics;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.connectors.wire.JsonFields;
import io.embedstream.connectors.wire.WireFormatException;

/**
 * The JSON form of {@link MetricsRecord}, written key by key so that the keys, their order and the number forms
 * stay those of the records already on topics and in recorded files (the dashboard replays them), whatever Jackson's
 * conventions for records.
 */
final class MetricsRecordJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORD = "metrics record";

    private MetricsRecordJson() {
    }

    static byte[] write(MetricsRecord r) {
        ObjectNode json = JSON.createObjectNode();
        json.put("type", MetricsRecord.TYPE);
        json.put("window", r.window());
        json.put("step", r.step());
        json.put("model_version", r.modelVersion());
        json.put("time", r.time().toString());
        json.put("images", r.images());
        json.put("steps", r.steps());
        json.put("images_per_second", r.imagesPerSecond());
        json.put("skipped_steps", r.skippedSteps());
        json.put("skipped_steps_total", r.skippedStepsTotal());
        json.put("replayed_images", r.replayedImages());
        ObjectNode batcher = json.putObject("batcher");
        batcher.put("ingested", r.batcher().ingested());
        batcher.put("buffered", r.batcher().buffered());
        batcher.put("dropped", r.batcher().dropped());
        // A float, as the trainer has it: widened to double it would print as 0.0010000000474974513.
        json.put("learning_rate", r.learningRate());
        r.gradientNorm().ifPresent(v -> json.put("gradient_norm", v));
        ObjectNode loss = json.putObject("loss");
        r.loss().total().ifPresent(v -> loss.put(LossMeans.TOTAL, v));
        r.loss().terms().forEach(loss::put);
        ObjectNode quality = json.putObject("quality");
        r.quality().ifPresent(q -> {
            quality.put("mean", q.mean());
            quality.put("p10", q.p10());
            quality.put("min", q.min());
            quality.put("share_below_0_5", q.shareBelowHalf());
        });
        ObjectNode metrics = json.putObject("metrics");
        r.metrics().forEach(metrics::put);
        ArrayNode notes = json.putArray("notes");
        r.notes().forEach(notes::add);
        r.versionDrift().ifPresent(vd -> {
            ObjectNode drift = json.putObject("version_drift");
            drift.put("from_version", vd.fromVersion());
            drift.put("to_version", vd.toVersion());
            vd.figures().forEach(drift::put);
        });
        ArrayNode alarms = json.putArray("alarms");
        for (AlarmChange change : r.alarms()) {
            ObjectNode alarm = alarms.addObject();
            alarm.put("kind", change.kind());
            alarm.put("state", change.state());
            alarm.put("reason", change.reason());
        }
        ArrayNode active = json.putArray("active_alarms");
        r.activeAlarms().forEach(active::add);
        if (!r.classNames().isEmpty()) {
            ObjectNode names = json.putObject("class_names");
            r.classNames().forEach((label, name) -> names.put(Integer.toString(label), name));
        }
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serializes", e);
        }
    }

    static MetricsRecord read(byte[] bytes) {
        JsonFields json = JsonFields.parse(bytes, RECORD);
        String type = json.requiredText("type");
        if (!MetricsRecord.TYPE.equals(type)) {
            throw new WireFormatException(RECORD + " has type '" + type + "', not '" + MetricsRecord.TYPE + "'");
        }
        JsonFields batcher = json.requiredObject("batcher");
        JsonFields loss = json.requiredObject("loss");
        try {
            return new MetricsRecord(
                    json.requiredLong("window"),
                    json.requiredLong("step"),
                    json.requiredLong("model_version"),
                    instant(json.requiredText("time")),
                    json.requiredLong("images"),
                    json.requiredLong("steps"),
                    json.requiredDouble("images_per_second"),
                    json.requiredLong("skipped_steps"),
                    json.requiredLong("skipped_steps_total"),
                    json.requiredLong("replayed_images"),
                    new BatcherTotals(batcher.requiredLong("ingested"), batcher.requiredLong("buffered"),
                            batcher.requiredLong("dropped")),
                    (float) json.requiredDouble("learning_rate"),
                    json.optionalDouble("gradient_norm"),
                    new LossMeans(loss.optionalDouble(LossMeans.TOTAL), loss.numbersExcept(Set.of(LossMeans.TOTAL))),
                    quality(json.requiredObject("quality")),
                    json.requiredObject("metrics").numbersExcept(Set.of()),
                    json.requiredTextList("notes"),
                    json.optionalObject("version_drift").map(MetricsRecordJson::versionDrift),
                    json.requiredObjectList("alarms").stream().map(MetricsRecordJson::alarm).toList(),
                    json.requiredTextList("active_alarms"),
                    json.optionalObject("class_names").map(MetricsRecordJson::classNames).orElse(Map.of()));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(RECORD + " is invalid: " + e.getMessage(), e);
        }
    }

    /** The writer leaves the object empty when some image had no quality estimate. */
    private static Optional<QualitySummary> quality(JsonFields quality) {
        if (quality.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new QualitySummary(quality.requiredDouble("mean"), quality.requiredDouble("p10"),
                quality.requiredDouble("min"), quality.requiredDouble("share_below_0_5")));
    }

    private static VersionDriftFigures versionDrift(JsonFields drift) {
        Map<String, Double> figures = drift.numbersExcept(Set.of("from_version", "to_version"));
        return new VersionDriftFigures(drift.requiredLong("from_version"), drift.requiredLong("to_version"), figures);
    }

    private static Map<Integer, String> classNames(JsonFields names) {
        Map<Integer, String> byLabel = new java.util.TreeMap<>();
        names.texts().forEach((label, name) -> {
            try {
                byLabel.put(Integer.parseInt(label), name);
            } catch (NumberFormatException e) {
                throw new WireFormatException(RECORD + " field 'class_names' has key '" + label
                        + "', not a class index");
            }
        });
        return byLabel;
    }

    private static AlarmChange alarm(JsonFields alarm) {
        return new AlarmChange(alarm.requiredText("kind"), alarm.requiredText("state"), alarm.requiredText("reason"));
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new WireFormatException(RECORD + " field 'time' is not an ISO-8601 instant: '" + text + "'", e);
        }
    }
}
