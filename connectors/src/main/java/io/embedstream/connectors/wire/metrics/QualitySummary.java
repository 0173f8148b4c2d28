package io.embedstream.connectors.wire.metrics;

/**
 * The no-reference quality estimates of a window's images (key {@code quality}), each in [0, 1].
 *
 * @param mean           the mean quality
 * @param p10            the 10th percentile
 * @param min            the lowest quality
 * @param shareBelowHalf the share of images with a quality below 0.5 (key {@code share_below_0_5})
 */
public record QualitySummary(double mean, double p10, double min, double shareBelowHalf) {

    public QualitySummary {
        MetricsRecord.requireFinite(mean, "quality.mean");
        MetricsRecord.requireFinite(p10, "quality.p10");
        MetricsRecord.requireFinite(min, "quality.min");
        MetricsRecord.requireFinite(shareBelowHalf, "quality.share_below_0_5");
    }
}
