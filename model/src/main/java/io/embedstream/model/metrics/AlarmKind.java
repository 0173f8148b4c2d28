package io.embedstream.model.metrics;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a {@link CollapseDriftDetector} alarm is about. Snapshots name the kinds, so kinds are only ever added at the
 * end; a snapshot written before a kind existed restores with that kind not raised.
 */
public enum AlarmKind {
    /** Effective rank below a fraction of the embedding size: dimensional collapse. */
    EFFECTIVE_RANK_COLLAPSE,
    /** Coding rate fell well below its running reference: the embeddings lost volume. */
    CODING_RATE_DROP,
    /**
     * The class-stratified sequential MMD detector (calibrated to an expected run time between false alarms) says
     * the input images, embedded by the reference's model version, differ from the reference sample.
     */
    DATA_DRIFT,
    /** A new model version represents the probe set very differently from the previous one (low CKA). */
    VERSION_DRIFT,
    /** The window's class mix differs from the reference's (chi-square test); the reason names the classes. */
    LABEL_SHIFT,
    /** The embeddings of some classes drifted (one sequential MMD detector per class); the reason names them. */
    CLASS_DRIFT;

    /**
     * The kinds raised by the class-aware drift monitor against a reference ({@link #DATA_DRIFT},
     * {@link #LABEL_SHIFT}, {@link #CLASS_DRIFT}), which a new reference resets; unmodifiable, in declaration order.
     */
    public static final Set<AlarmKind> DRIFT = Collections.unmodifiableSet(EnumSet.of(DATA_DRIFT, LABEL_SHIFT, CLASS_DRIFT));
}
