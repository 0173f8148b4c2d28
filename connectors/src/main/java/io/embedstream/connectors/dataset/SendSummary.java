package io.embedstream.connectors.dataset;

import java.time.Duration;

/**
 * Counts of one {@link DatasetProducer#send} call.
 *
 * @param sent    images acknowledged by the broker
 * @param failed  images the broker did not acknowledge (after the producer's own retries)
 * @param bytes   value bytes of the acknowledged images
 * @param elapsed wall time from the first send to the last acknowledgement
 */
public record SendSummary(long sent, long failed, long bytes, Duration elapsed) {

    /** Acknowledged images per second over the whole call. */
    public double imagesPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : sent / seconds;
    }
}
