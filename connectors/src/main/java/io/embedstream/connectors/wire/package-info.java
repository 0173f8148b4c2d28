/**
 * The image input wire format (topic {@code images}): {@link io.embedstream.connectors.wire.ImageRecordEncoder}
 * writes it, {@link io.embedstream.connectors.wire.ImageRecordDecoder} reads it and explains every rejection, and
 * {@link io.embedstream.connectors.wire.DeadLetters} forwards rejected records unchanged to {@code images.dlq}.
 * Header names are in {@link io.embedstream.connectors.wire.ImageHeaders}.
 */
package io.embedstream.connectors.wire;
