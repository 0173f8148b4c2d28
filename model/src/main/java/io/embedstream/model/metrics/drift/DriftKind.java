package io.embedstream.model.metrics.drift;

/**
 * What a {@link ClassAwareDriftMonitor} flags. DATA_DRIFT keeps the name of the existing
 * {@code io.embedstream.model.metrics.AlarmKind#DATA_DRIFT}; the other two are new kinds for the wiring.
 */
public enum DriftKind {
    /** Covariate drift not explained by the class mix: the class-stratified ERT MMD detector alarmed. */
    DATA_DRIFT,
    /** The window's class proportions differ from the reference's (chi-square homogeneity test). */
    LABEL_SHIFT,
    /** The embeddings of one or more named classes drifted (per-class ERT MMD detectors). */
    CLASS_DRIFT
}
