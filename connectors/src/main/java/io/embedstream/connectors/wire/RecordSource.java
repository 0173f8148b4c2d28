package io.embedstream.connectors.wire;

import java.util.Objects;

/**
 * Where a record came from: topic, partition and offset.
 *
 * @param topic     topic name
 * @param partition partition number
 * @param offset    offset within the partition
 */
public record RecordSource(String topic, int partition, long offset) {

    public RecordSource {
        Objects.requireNonNull(topic, "topic");
    }

    /** {@code topic-partition-offset}: the default image id and the dead-letter {@code source} header. */
    @Override
    public String toString() {
        return topic + "-" + partition + "-" + offset;
    }
}
