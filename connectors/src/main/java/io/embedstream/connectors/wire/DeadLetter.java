package io.embedstream.connectors.wire;

import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record that could not be used, with everything needed to inspect or replay it: the original key, value and
 * headers unchanged, where it came from, and why it was refused.
 *
 * @param key        original key, may be null
 * @param value      original value bytes, may be null
 * @param headers    original headers
 * @param source     original topic, partition and offset
 * @param error      reason, e.g. {@code missing header 'label'}
 * @param errorStage stage that refused it, e.g. {@link DecodeResult#STAGE_HEADERS}
 */
public record DeadLetter(byte[] key, byte[] value, WireHeaders headers, RecordSource source, String error,
                         String errorStage) {

    public DeadLetter {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(errorStage, "errorStage");
    }

    /** The dead letter for a consumed record the decoder rejected. */
    public static DeadLetter of(ConsumerRecord<byte[], byte[]> record, DecodeResult.Rejected rejection) {
        return new DeadLetter(record.key(), record.value(), WireHeaders.fromKafka(record.headers()),
                new RecordSource(record.topic(), record.partition(), record.offset()),
                rejection.reason(), rejection.stage());
    }

    /** The dead letter for a record given in neutral form (e.g. from a Flink deserializer). */
    public static DeadLetter of(byte[] key, byte[] value, WireHeaders headers, RecordSource source,
                                DecodeResult.Rejected rejection) {
        return new DeadLetter(key, value, headers, source, rejection.reason(), rejection.stage());
    }
}
