package io.embedstream.connectors.wire;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The dead-letter topic format (default {@value #DEFAULT_TOPIC}).
 *
 * <p>A dead-letter record carries the original key and value bytes unchanged and the original headers, plus
 * {@value #ERROR} (the reason), {@value #ERROR_STAGE} (which check refused it) and {@value #SOURCE}
 * ({@code topic-partition-offset} of the original). Original headers with those three names are replaced, so
 * re-dead-lettering a record does not pile up stale errors.
 */
public final class DeadLetters {

    /** Default dead-letter topic. */
    public static final String DEFAULT_TOPIC = "images.dlq";
    public static final String ERROR = "error";
    public static final String ERROR_STAGE = "error-stage";
    public static final String SOURCE = "source";

    private DeadLetters() {
    }

    /** The producer record for {@code dlqTopic}: original key/value/headers plus the error headers. */
    public static ProducerRecord<byte[], byte[]> toProducerRecord(String dlqTopic, DeadLetter letter) {
        WireHeaders headers = letter.headers()
                .with(ERROR, letter.error())
                .with(ERROR_STAGE, letter.errorStage())
                .with(SOURCE, letter.source().toString());
        return new ProducerRecord<>(dlqTopic, null, letter.key(), letter.value(), headers.toKafka());
    }

    /**
     * Reads a record consumed from a dead-letter topic back into a {@link DeadLetter}: the error headers are
     * split off from the original headers. The source comes from the {@value #SOURCE} header when it parses,
     * otherwise it is the dead-letter record's own position.
     */
    public static DeadLetter fromConsumerRecord(ConsumerRecord<byte[], byte[]> record) {
        WireHeaders all = WireHeaders.fromKafka(record.headers());
        RecordSource own = new RecordSource(record.topic(), record.partition(), record.offset());
        RecordSource source = all.string(SOURCE).flatMap(DeadLetters::parseSource).orElse(own);
        return new DeadLetter(record.key(), record.value(),
                all.without(ERROR).without(ERROR_STAGE).without(SOURCE), source,
                all.string(ERROR).orElse(""), all.string(ERROR_STAGE).orElse(""));
    }

    /** Parses {@code topic-partition-offset}; the topic may itself contain dashes. */
    static java.util.Optional<RecordSource> parseSource(String text) {
        int offsetDash = text.lastIndexOf('-');
        int partitionDash = offsetDash <= 0 ? -1 : text.lastIndexOf('-', offsetDash - 1);
        if (partitionDash <= 0) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new RecordSource(text.substring(0, partitionDash),
                    Integer.parseInt(text.substring(partitionDash + 1, offsetDash)),
                    Long.parseLong(text.substring(offsetDash + 1))));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }
}
