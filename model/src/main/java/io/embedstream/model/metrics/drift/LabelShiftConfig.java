package io.embedstream.model.metrics.drift;

/**
 * Knobs of the {@link LabelShiftTest}.
 *
 * @param alpha              false-alarm probability per window (default 0.002 = 1/500). Windows are disjoint
 *                           samples, so a per-window level of 1/ERT gives on average one false alarm per ERT
 *                           windows, the same footing as the {@link ErtMmdDetector} at that ERT
 * @param minTotalVariation  a shift is flagged only when the total-variation distance between the window's and
 *                           the reference's class proportions is also at least this (default 0.0: significance
 *                           alone). With windows of thousands of labels, a tiny but real change of mix is
 *                           significant; raise this to ignore, say, moves of under 5 points
 * @param minExpectedCount   classes whose expected count in the reference or the window falls below this are
 *                           pooled into one column before the test, so the chi-square approximation holds
 *                           (default 5, the textbook rule)
 */
public record LabelShiftConfig(double alpha, double minTotalVariation, double minExpectedCount) {

    public LabelShiftConfig {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (!(minTotalVariation >= 0 && minTotalVariation <= 1)) {
            throw new IllegalArgumentException("minTotalVariation must be in [0, 1], got " + minTotalVariation);
        }
        if (!(minExpectedCount >= 0 && Double.isFinite(minExpectedCount))) {
            throw new IllegalArgumentException("minExpectedCount must be >= 0 and finite, got " + minExpectedCount);
        }
    }

    public static LabelShiftConfig defaults() {
        return new LabelShiftConfig(0.002, 0.0, 5.0);
    }

    /** The defaults with alpha = 1 / expectedRunTime. */
    public static LabelShiftConfig forExpectedRunTime(int expectedRunTime) {
        if (expectedRunTime < 2) {
            throw new IllegalArgumentException("expectedRunTime must be at least 2 windows, got " + expectedRunTime);
        }
        return new LabelShiftConfig(1.0 / expectedRunTime, 0.0, 5.0);
    }

    public LabelShiftConfig withAlpha(double v) {
        return new LabelShiftConfig(v, minTotalVariation, minExpectedCount);
    }

    public LabelShiftConfig withMinTotalVariation(double v) {
        return new LabelShiftConfig(alpha, v, minExpectedCount);
    }
}
