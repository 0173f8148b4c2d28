/**
 * Drift detection with a stated false-alarm rate, on a stream of embedding windows.
 *
 * <ul>
 *   <li>{@link io.embedstream.model.metrics.drift.ErtMmdDetector}: a sequential MMD detector calibrated by
 *       expected run time (ERT), after Alibi Detect's {@code MMDDriftOnline} (Cobb et al. 2021): without drift
 *       the first alarm comes on average after ERT windows. Optionally stratified by class so that a new class
 *       mix does not raise it.</li>
 *   <li>{@link io.embedstream.model.metrics.drift.LabelShiftTest}: the class mix of a window against the
 *       reference's (chi-square homogeneity).</li>
 *   <li>{@link io.embedstream.model.metrics.drift.ClassConditionalDrift}: one ERT detector per class, to
 *       name the class that drifted.</li>
 *   <li>{@link io.embedstream.model.metrics.drift.ClassAwareDriftMonitor}: the three together on a
 *       labelled stream, flagging DATA_DRIFT, LABEL_SHIFT and CLASS_DRIFT apart.</li>
 * </ul>
 *
 * <p>Plain Java: no Flink, Kafka or DJL types. Every detector exports its whole state as a record (and the
 * ERT detector's state as bytes) and is restored from it without re-running its calibration.
 */
package io.embedstream.model.metrics.drift;
