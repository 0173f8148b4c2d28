package io.embedstream.pipeline.operators;

import io.embedstream.pipeline.types.KafkaBytesRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends ready-made records (topic, key, value, headers) as they are. */
public final class KafkaBytesSerializer implements KafkaRecordSerializationSchema<KafkaBytesRecord> {
    @Override
    public ProducerRecord<byte[], byte[]> serialize(KafkaBytesRecord element, KafkaSinkContext context, Long timestamp) {
        return element.toProducerRecord();
    }
}
