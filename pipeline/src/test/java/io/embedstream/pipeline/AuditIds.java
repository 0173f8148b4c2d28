package io.embedstream.pipeline;

import io.embedstream.connectors.wire.AuditRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads the job's audit topic (read-committed): which ids each step trained on, which the batcher dropped. */
final class AuditIds {
    private AuditIds() {}

    /** @throws io.embedstream.connectors.wire.WireFormatException when a record is not an audit record */
    static List<AuditRecord> read(String bootstrap, String topic) {
        List<AuditRecord> entries = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : PipelineTestSupport.readAll(bootstrap, topic, Duration.ofSeconds(2))) {
            entries.add(AuditRecord.fromJson(r.value()));
        }
        return entries;
    }
}
