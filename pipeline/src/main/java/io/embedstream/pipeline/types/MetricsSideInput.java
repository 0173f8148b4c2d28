package io.embedstream.pipeline.types;

/**
 * The metrics operator's second input: either a new model version or a sampled input image (Flink POJO; exactly
 * one field is set).
 */
public class MetricsSideInput {
    public ModelSnapshot model;
    public ScoredImage sample;

    public MetricsSideInput() {}

    public static MetricsSideInput of(ModelSnapshot model) {
        MetricsSideInput in = new MetricsSideInput();
        in.model = model;
        return in;
    }

    public static MetricsSideInput of(ScoredImage sample) {
        MetricsSideInput in = new MetricsSideInput();
        in.sample = sample;
        return in;
    }
}
