package io.embedstream.connectors.wire.metrics;

/**
 * The batcher's running totals at a window's last training step (key {@code batcher}).
 *
 * @param ingested images the batcher has taken in
 * @param buffered images waiting in its per-class buffers
 * @param dropped  images it dropped because their class's buffer was full
 */
public record BatcherTotals(long ingested, long buffered, long dropped) {
}
