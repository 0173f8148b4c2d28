package io.embedstream.pipeline.types;

import io.embedstream.connectors.wire.AuditRecord;

/**
 * What became of input images after decoding, for the audit topic (Flink POJO): the fresh images one training step
 * consumed, the images the batcher dropped, or a batch the trainer refused. Replayed copies are not listed, so each
 * good input id appears once in a committed audit topic. {@link AuditRecord} is its form on the topic.
 */
public class AuditEntry {
    /** Fresh images consumed by a training step (applied or skipped as not finite). */
    public static final String TRAINED = AuditRecord.TRAINED;
    /** Images the batcher dropped because its buffer for their class was full and nothing could be mixed in. */
    public static final String DROPPED = AuditRecord.DROPPED;
    /** Fresh images of a batch the trainer refused. */
    public static final String REFUSED = AuditRecord.REFUSED;

    public String kind;
    /** The trainer's step for {@link #TRAINED}; the batcher's batch count for {@link #DROPPED}; 0 otherwise. */
    public long step;
    /** False when the step was skipped (loss or gradient not finite); true otherwise. */
    public boolean applied;
    public String[] ids;

    public AuditEntry() {}

    public static AuditEntry of(String kind, long step, boolean applied, String[] ids) {
        AuditEntry e = new AuditEntry();
        e.kind = kind;
        e.step = step;
        e.applied = applied;
        e.ids = ids;
        return e;
    }
}
