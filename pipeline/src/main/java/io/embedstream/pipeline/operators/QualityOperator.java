package io.embedstream.pipeline.operators;

import io.embedstream.model.eval.holdout.HoldoutSplit;
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

    /** Images the held-out split keeps out of training, for the promotion gate; they are not on the main output. */
    public static final OutputTag<ScoredImage> HELD_OUT = new OutputTag<>("held-out") {};

    private final double sampleRate;
    private final long seed;
    private final HoldoutSplit holdout;
    private transient QualityEstimator estimator;
    private transient Histogram quality;
    private transient Rng rng;
    private transient org.apache.flink.api.common.accumulators.LongCounter heldOut;

    public QualityOperator(double sampleRate, long seed) {
        this(sampleRate, seed, null);
    }

    /** {@code holdout}: which images go to {@link #HELD_OUT} instead of training (null: none). */
    public QualityOperator(double sampleRate, long seed, HoldoutSplit holdout) {
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("sample rate must be in [0, 1], got " + sampleRate);
        }
        this.sampleRate = sampleRate;
        this.seed = seed;
        this.holdout = holdout == null || holdout.share() == 0 ? null : holdout;
    }

    @Override
    public void open(OpenContext context) {
        estimator = QualityEstimator.defaults();
        quality = getRuntimeContext().getMetricGroup().histogram("quality", new DescriptiveStatisticsHistogram(1000));
        rng = new Rng(seed + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        heldOut = Accumulators.counter(getRuntimeContext(), Accumulators.HELD_OUT);
    }

    @Override
    public void processElement(ScoredImage image, Context ctx, Collector<ScoredImage> out) {
        image.quality = (float) estimator.estimate(image.pixels, image.width, image.height, image.channels).q();
        quality.update(Math.round(image.quality * 1000));
        if (holdout != null && holdout.heldOut(image.id)) {
            ctx.output(HELD_OUT, image);
            heldOut.add(1);
        } else {
            out.collect(image);
        }
        if (rng.nextDouble() < sampleRate) {
            ctx.output(SAMPLE, image);
        }
    }
}
