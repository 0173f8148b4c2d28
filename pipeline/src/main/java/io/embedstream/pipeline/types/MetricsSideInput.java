package io.embedstream.pipeline.types;

/**
 * The metrics operator's second input: a new model version, a sampled input image or a control record (Flink POJO;
 * exactly one field is set).
 */
public class MetricsSideInput {
    public ModelSnapshot model;
    public ScoredImage sample;
    public ControlRecord control;

    public MetricsSideInput() {}

    public static MetricsSideInput of(ModelSnapshot model) {
        MetricsSideInput in = new MetricsSideInput();
        in.model = model;
        return in;
    }

    public static MetricsSideInput of(ControlRecord control) {
        MetricsSideInput in = new MetricsSideInput();
        in.control = control;
        return in;
    }

    public static MetricsSideInput of(ScoredImage sample) {
        MetricsSideInput in = new MetricsSideInput();
        in.sample = sample;
        return in;
    }
}
