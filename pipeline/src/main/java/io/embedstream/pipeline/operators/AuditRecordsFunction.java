package io.embedstream.pipeline.operators;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.pipeline.types.AuditEntry;
import io.embedstream.pipeline.types.KafkaBytesRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * One record of the audit topic per {@link AuditEntry}: key {@code <kind>-<step>}, value one line of JSON,
 * {@code {"kind":"trained","step":17,"applied":true,"ids":["images-0-4711",...]}}. Written through the job's
 * transactional sink, so a read-committed consumer sees each step's entry once, after the checkpoint that covers
 * the step.
 */
public final class AuditRecordsFunction implements MapFunction<AuditEntry, KafkaBytesRecord> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;

    public AuditRecordsFunction(String topic) {
        this.topic = topic;
    }

    @Override
    public KafkaBytesRecord map(AuditEntry entry) throws Exception {
        ObjectNode value = JSON.createObjectNode();
        value.put("kind", entry.kind);
        value.put("step", entry.step);
        value.put("applied", entry.applied);
        ArrayNode ids = value.putArray("ids");
        for (String id : entry.ids) {
            ids.add(id);
        }
        KafkaBytesRecord record = new KafkaBytesRecord();
        record.topic = topic;
        record.key = (entry.kind + "-" + entry.step).getBytes(StandardCharsets.UTF_8);
        record.value = JSON.writeValueAsBytes(value);
        record.headerNames = new String[0];
        record.headerValues = new byte[0][];
        return record;
    }
}
