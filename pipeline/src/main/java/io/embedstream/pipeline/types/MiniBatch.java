package io.embedstream.pipeline.types;

/** A class-diverse training batch built by the batcher (Flink POJO). */
public class MiniBatch {
    /** Batches emitted so far by the batcher, this one included. */
    public long sequence;
    public ScoredImage[] images;
    /** How many of the images come from the replay reservoir rather than the live stream. */
    public int replayed;
    /** Distinct classes in the batch. */
    public int classes;
    /** True when the batch was cut by the timeout or a full buffer rather than filled. */
    public boolean partial;
    /** Batcher totals when this batch was cut: images received, still buffered, and dropped (buffer full). */
    public long ingested;
    public long buffered;
    public long dropped;

    public MiniBatch() {}
}
