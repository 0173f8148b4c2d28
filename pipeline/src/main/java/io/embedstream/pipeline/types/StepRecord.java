package io.embedstream.pipeline.types;

/** What one training step produced, sent to the metrics operator (Flink POJO). */
public class StepRecord {
    public long step;
    /** The latest published model version when this step ran (0 before the first). */
    public long modelVersion;
    public boolean applied;
    public String skipReason;
    public float loss;
    public String[] componentNames;
    public float[] componentValues;
    public float gradientNorm;
    public float learningRate;
    public long stepNanos;
    public long timestampMillis;
    public int dimension;
    /** Batch embeddings, row-major (batch x dimension), from the step's forward pass. */
    public float[] embeddings;
    public int[] labels;
    public float[] qualities;
    public int replayed;
    public long skippedSteps;
    /** Batcher totals (see {@link MiniBatch}). */
    public long batcherIngested;
    public long batcherBuffered;
    public long batcherDropped;

    public StepRecord() {}
}
