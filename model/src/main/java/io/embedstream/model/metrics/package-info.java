/**
 * Feature-space metrics for a stream of embedding windows: dimensional collapse (effective rank, coding
 * rate, spectrum), feature norms, class separation (neural-collapse NC1, alignment, uniformity), data
 * drift between windows (MMD with a permutation test), drift between model versions on a probe set
 * (kNN overlap, linear CKA, centroid shift), and a stateful {@link io.embedstream.model.metrics.CollapseDriftDetector}
 * that turns the per-window figures into alarms.
 *
 * <p>Entry points: {@link io.embedstream.model.metrics.WindowMetrics} (one window, optionally against a
 * reference window), {@link io.embedstream.model.metrics.VersionDrift} (two model versions) and the
 * detector. Plain Java + EJML; no Flink, Kafka or DJL types, so it can run inside any operator.
 *
 * <p>Unavailable metrics are never reported as NaN: they are absent from the report, and the report's
 * notes say why.
 */
package io.embedstream.model.metrics;
