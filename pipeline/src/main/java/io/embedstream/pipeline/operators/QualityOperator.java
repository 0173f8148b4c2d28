package io.embedstream.pipeline.operators;

import io.embedstream.model.quality.QualityEstimator;
import io.embedstream.pipeline.types.ScoredImage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** Attaches the no-reference quality score q in [0, 1] to each image. */
public final class QualityOperator extends RichMapFunction<ScoredImage, ScoredImage> {
    private transient QualityEstimator estimator;
    private transient Histogram quality;

    @Override
    public void open(OpenContext context) {
        estimator = QualityEstimator.defaults();
        quality = getRuntimeContext().getMetricGroup().histogram("quality", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public ScoredImage map(ScoredImage image) {
        image.quality = (float) estimator.estimate(image.pixels, image.width, image.height, image.channels).q();
        quality.update(Math.round(image.quality * 1000));
        return image;
    }
}
