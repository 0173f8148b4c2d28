package io.embedstream.pipeline.operators;

import io.embedstream.model.quality.QualityEstimator;
import io.embedstream.model.random.Rng;
import io.embedstream.pipeline.types.ScoredImage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Attaches the no-reference quality score q in [0, 1] to each image, and sends a uniform sample of the input
 * stream to the metrics operator: data drift is measured on what arrives, not on how the batcher groups it.
 */
public final class QualityOperator extends ProcessFunction<ScoredImage, ScoredImage> {
    /** A Bernoulli sample of the input images, for the data-drift test and the probe set. */
    public static final OutputTag<ScoredImage> SAMPLE = new OutputTag<>("input-sample") {};

    private final double sampleRate;
    private final long seed;
    private transient QualityEstimator estimator;
    private transient Histogram quality;
    private transient Rng rng;

    public QualityOperator(double sampleRate, long seed) {
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("sample rate must be in [0, 1], got " + sampleRate);
        }
        this.sampleRate = sampleRate;
        this.seed = seed;
    }

    @Override
    public void open(OpenContext context) {
        estimator = QualityEstimator.defaults();
        quality = getRuntimeContext().getMetricGroup().histogram("quality", new DescriptiveStatisticsHistogram(1000));
        rng = new Rng(seed + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    }

    @Override
    public void processElement(ScoredImage image, Context ctx, Collector<ScoredImage> out) {
        image.quality = (float) estimator.estimate(image.pixels, image.width, image.height, image.channels).q();
        quality.update(Math.round(image.quality * 1000));
        out.collect(image);
        if (rng.nextDouble() < sampleRate) {
            ctx.output(SAMPLE, image);
        }
    }
}
