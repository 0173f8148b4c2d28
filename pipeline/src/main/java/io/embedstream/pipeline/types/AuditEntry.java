package io.embedstream.pipeline.types;

import io.embedstream.connectors.wire.AuditRecord;

/**
 * What became of input images after decoding, for the audit topic (Flink POJO): the fresh images one training step
 * consumed, the images the batcher dropped, a batch the trainer refused, or an image held out for the promotion
 * gate. Replayed copies are not listed, so each
 * good input id appears once in a committed audit topic. {@link AuditRecord} is its form on the topic.
 */
public class AuditEntry {
    /** Fresh images consumed by a training step (applied or skipped as not finite). */
    public static final String TRAINED = AuditRecord.TRAINED;
    /** Images the batcher dropped because its buffer for their class was full and nothing could be mixed in. */
    public static final String DROPPED = AuditRecord.DROPPED;
    /** Fresh images of a batch the trainer refused. */
    public static final String REFUSED = AuditRecord.REFUSED;
    /** Images the quality operator held out of training, as the promotion gate received them. */
    public static final String HELD_OUT = AuditRecord.HELD_OUT;

    public String kind;
    /**
     * The trainer's step for {@link #TRAINED}; the batcher's batch count for {@link #DROPPED}; the gate's count of
     * held-out images for {@link #HELD_OUT}; 0 otherwise.
     */
    public long step;
    /** False when the step was skipped (loss or gradient not finite); true otherwise. */
    public boolean applied;
    public String[] ids;
    /**
     * The class of each id, in order: its name, or its integer label in decimal. On the topic only with {@code
     * classes.names} (see {@code AuditRecordsFunction}).
     */
    public String[] labels;

    public AuditEntry() {}

    public static AuditEntry of(String kind, long step, boolean applied, String[] ids, String[] labels) {
        AuditEntry e = new AuditEntry();
        e.kind = kind;
        e.step = step;
        e.applied = applied;
        e.ids = ids;
        e.labels = labels;
        return e;
    }

    /** The ids of {@code images} and their classes. */
    public static AuditEntry of(String kind, long step, boolean applied, java.util.List<ScoredImage> images) {
        String[] ids = new String[images.size()];
        String[] labels = new String[images.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = images.get(i).id;
            labels[i] = images.get(i).className();
        }
        return of(kind, step, applied, ids, labels);
    }
}
