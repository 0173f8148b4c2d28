package io.embedstream.connectors.wire;

import java.util.Objects;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One encoded input record, ready to send: key, value and headers.
 *
 * @param key     record key (the image id in UTF-8), may be null
 * @param value   encoded image or raw pixels
 * @param headers {@code label}, {@code id}, {@code content-type} and, for raw pixels, the size headers
 */
public record ImageRecord(byte[] key, byte[] value, WireHeaders headers) {

    public ImageRecord {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(headers, "headers");
    }

    /** A Kafka producer record for {@code topic} (partition chosen by the producer from the key). */
    public ProducerRecord<byte[], byte[]> toProducerRecord(String topic) {
        return new ProducerRecord<>(topic, null, key, value, headers.toKafka());
    }
}
