package io.embedstream.pipeline.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A record of the control topic ({@code topics.control}, default {@code embedstream.control}), which the metrics
 * operator reads beside the model versions and samples (Flink POJO). JSON:
 * {@code {"command":"ack-drift","reason":"...","time_ms":1764750000000}}. Commands: {@value #ACK_DRIFT}, an
 * acknowledged drift: the drift reference is re-based.
 */
public class ControlRecord {
    public static final String ACK_DRIFT = "ack-drift";
    private static final ObjectMapper JSON = new ObjectMapper();

    public String command;
    public String reason;
    public long timeMillis;

    public ControlRecord() {}

    public static ControlRecord ackDrift(String reason, long timeMillis) {
        ControlRecord r = new ControlRecord();
        r.command = ACK_DRIFT;
        r.reason = reason;
        r.timeMillis = timeMillis;
        return r;
    }

    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("command", command);
        if (reason != null) {
            node.put("reason", reason);
        }
        node.put("time_ms", timeMillis);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The record, or empty for bytes that are not a control record (they are ignored, never fail the job). */
    public static Optional<ControlRecord> parse(byte[] value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || !node.isObject() || !node.path("command").isTextual()) {
                return Optional.empty();
            }
            ControlRecord r = new ControlRecord();
            r.command = node.get("command").asText();
            r.reason = node.path("reason").isTextual() ? node.get("reason").asText() : null;
            r.timeMillis = node.path("time_ms").asLong(0);
            return Optional.of(r);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
