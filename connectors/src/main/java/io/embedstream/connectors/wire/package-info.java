/**
 * The image input wire format (topic {@code images}): {@link io.embedstream.connectors.wire.ImageRecordEncoder}
 * writes it, {@link io.embedstream.connectors.wire.ImageRecordDecoder} reads it and explains every rejection, and
 * {@link io.embedstream.connectors.wire.DeadLetters} forwards rejected records unchanged to {@code images.dlq}.
 * Header names are in {@link io.embedstream.connectors.wire.ImageHeaders}.
 *
 * <p>The job's own JSON topics have one wire class each: {@link io.embedstream.connectors.wire.AuditRecord} for the
 * audit topic, {@link io.embedstream.connectors.wire.metrics.MetricsRecord} for the metrics topic; both read through
 * {@link io.embedstream.connectors.wire.JsonFields} and refuse a bad record with a
 * {@link io.embedstream.connectors.wire.WireFormatException}.
 */
package io.embedstream.connectors.wire;
