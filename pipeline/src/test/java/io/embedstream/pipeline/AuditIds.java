package io.embedstream.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads the job's audit topic (read-committed): which ids each step trained on, which the batcher dropped. */
final class AuditIds {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Entry(String kind, long step, boolean applied, List<String> ids) {}

    private AuditIds() {}

    static List<Entry> read(String bootstrap, String topic) {
        List<Entry> entries = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : PipelineTestSupport.readAll(bootstrap, topic, Duration.ofSeconds(2))) {
            JsonNode node;
            try {
                node = JSON.readTree(r.value());
            } catch (IOException e) {
                throw new AssertionError("audit record is not JSON: " + new String(r.value()), e);
            }
            List<String> ids = new ArrayList<>();
            node.get("ids").forEach(id -> ids.add(id.asText()));
            entries.add(new Entry(node.get("kind").asText(), node.get("step").asLong(), node.get("applied").asBoolean(),
                    ids));
        }
        return entries;
    }
}
