package io.embedstream.model.quality;

/**
 * Maps one raw quality measure to a sub-score in [0, 1] by a ramp between two reference points: the sub-score is
 * 1 at or beyond {@code good}, 0 at or beyond {@code bad}, and in between linear in the measure, or in its
 * logarithm when {@code logarithmic} (for measures such as sharpness that change by orders of magnitude). Whether
 * larger raw values are better follows from the order of the two points ({@code good > bad}: larger is better).
 * The mapping is monotone and never NaN.
 *
 * @param good        raw value from which on the measure shows no degradation
 * @param bad         raw value from which on the measure shows the worst degradation
 * @param logarithmic interpolate in log(value); both points must then be positive, and values at or below 0 count
 *                    as minus infinity
 */
public record ScoreRamp(double good, double bad, boolean logarithmic) {

    public ScoreRamp {
        if (!Double.isFinite(good) || !Double.isFinite(bad)) {
            throw new IllegalArgumentException("ramp reference points must be finite, got good=" + good + ", bad=" + bad);
        }
        if (good == bad) {
            throw new IllegalArgumentException("ramp reference points must differ, both are " + good);
        }
        if (logarithmic && (good <= 0 || bad <= 0)) {
            throw new IllegalArgumentException("a logarithmic ramp needs positive reference points, got good="
                    + good + ", bad=" + bad);
        }
    }

    /** A ramp linear in the raw value. */
    public static ScoreRamp linear(double good, double bad) {
        return new ScoreRamp(good, bad, false);
    }

    /** A ramp linear in the logarithm of the raw value. */
    public static ScoreRamp logarithmic(double good, double bad) {
        return new ScoreRamp(good, bad, true);
    }

    /** The sub-score of {@code value}; +-infinity map to the corresponding end. */
    public double score(double value) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("raw quality measure is NaN");
        }
        double t;
        if (logarithmic) {
            double v = value <= 0 ? Double.NEGATIVE_INFINITY : Math.log(value);
            t = (v - Math.log(bad)) / (Math.log(good) - Math.log(bad));
        } else {
            t = (value - bad) / (good - bad);
        }
        return t <= 0 ? 0.0 : (t >= 1 ? 1.0 : t);
    }
}
