package io.embedstream.model.metrics;

/** What a {@link CollapseDriftDetector} alarm is about. */
public enum AlarmKind {
    /** Effective rank below a fraction of the embedding size: dimensional collapse. */
    EFFECTIVE_RANK_COLLAPSE,
    /** Coding rate fell well below its running reference: the embeddings lost volume. */
    CODING_RATE_DROP,
    /** The MMD test says the current window's distribution differs from the reference window's. */
    DATA_DRIFT,
    /** A new model version represents the probe set very differently from the previous one (low CKA). */
    VERSION_DRIFT
}
