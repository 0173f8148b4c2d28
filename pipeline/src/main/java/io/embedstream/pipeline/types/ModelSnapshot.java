package io.embedstream.pipeline.types;

/** A model version to publish: the network's parameters at a training step (Flink POJO). */
public class ModelSnapshot {
    public long version;
    public long step;
    public long timestampMillis;
    /** {@code EmbeddingModel#parametersToBytes()}. */
    public byte[] parameters;
    /** The CM class weights (classes x dimension): the class directions, published as centroids. */
    public float[] classWeights;
    public int classes;
    /**
     * Entry c the name of class c (null where none is known), with {@code classes.names}; null for a stream with
     * integer labels. Published as the manifest's {@code class_names}.
     */
    public String[] classNames;
    /**
     * The promotion gate's decision on this version (null: not judged, published as before the gate). Set by
     * {@code PromotionOperator}; {@code ModelRecordsFunction} publishes the version as a candidate and the decision
     * after it, in the same transaction.
     */
    public GateDecision decision;

    public ModelSnapshot() {}
}
