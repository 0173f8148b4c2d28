/**
 * The metrics topic's wire format ({@code embedstream.metrics}): {@link io.embedstream.connectors.wire.metrics.MetricsRecord},
 * one JSON record per window of training embeddings, and the values it is made of. The job writes it; {@code watch},
 * the demo and the dashboard read it. Plain Java and Jackson: no training types.
 */
package io.embedstream.connectors.wire.metrics;
