package io.embedstream.model.metrics;

/**
 * Thresholds of {@link CollapseDriftDetector}. Build with {@link #builder()}; defaults in brackets.
 *
 * @param effectiveRankFraction   collapse when effective rank &lt; this fraction of the embedding size [0.1]
 * @param codingRateFraction      coding-rate drop when the coding rate &lt; this fraction of its reference,
 *                                the peak of its exponential moving average [0.5]
 * @param codingRateSmoothing     weight of the newest window in that moving average, in (0, 1] [0.1]
 * @param codingRateWarmup        windows observed before the coding-rate rule is applied, so the
 *                                reference is not a single early window [5]
 * @param minCka                  version drift when linear CKA between consecutive versions &lt; this [0.9]
 * @param raiseAfter              consecutive bad windows that raise a window alarm [3]
 * @param clearAfter              consecutive good windows that clear it [3]
 * @param versionRaiseAfter       consecutive bad probe comparisons that raise VERSION_DRIFT [1]; probe
 *                                comparisons happen once per model publication, so waiting is costly
 * @param versionClearAfter       consecutive good comparisons that clear it [1]
 */
public record DetectorConfig(double effectiveRankFraction, double codingRateFraction, double codingRateSmoothing,
                             int codingRateWarmup, double minCka, int raiseAfter, int clearAfter,
                             int versionRaiseAfter, int versionClearAfter) {

    public DetectorConfig {
        requireOpenUnit("effectiveRankFraction", effectiveRankFraction);
        requireOpenUnit("codingRateFraction", codingRateFraction);
        if (!(codingRateSmoothing > 0 && codingRateSmoothing <= 1)) {
            throw new IllegalArgumentException("codingRateSmoothing must be in (0, 1], got " + codingRateSmoothing);
        }
        requireOpenUnit("minCka", minCka);
        if (codingRateWarmup < 1 || raiseAfter < 1 || clearAfter < 1 || versionRaiseAfter < 1 || versionClearAfter < 1) {
            throw new IllegalArgumentException("window counts must be >= 1");
        }
    }

    private static void requireOpenUnit(String name, double v) {
        if (!(v > 0 && v < 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1), got " + v);
        }
    }

    public static DetectorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link DetectorConfig}; see the record's parameters for the defaults. */
    public static final class Builder {
        private double effectiveRankFraction = 0.1;
        private double codingRateFraction = 0.5;
        private double codingRateSmoothing = 0.1;
        private int codingRateWarmup = 5;
        private double minCka = 0.9;
        private int raiseAfter = 3;
        private int clearAfter = 3;
        private int versionRaiseAfter = 1;
        private int versionClearAfter = 1;

        private Builder() {}

        public Builder effectiveRankFraction(double v) {
            effectiveRankFraction = v;
            return this;
        }

        public Builder codingRateFraction(double v) {
            codingRateFraction = v;
            return this;
        }

        public Builder codingRateSmoothing(double v) {
            codingRateSmoothing = v;
            return this;
        }

        public Builder codingRateWarmup(int v) {
            codingRateWarmup = v;
            return this;
        }

        public Builder minCka(double v) {
            minCka = v;
            return this;
        }

        public Builder raiseAfter(int v) {
            raiseAfter = v;
            return this;
        }

        public Builder clearAfter(int v) {
            clearAfter = v;
            return this;
        }

        public Builder versionRaiseAfter(int v) {
            versionRaiseAfter = v;
            return this;
        }

        public Builder versionClearAfter(int v) {
            versionClearAfter = v;
            return this;
        }

        public DetectorConfig build() {
            return new DetectorConfig(effectiveRankFraction, codingRateFraction, codingRateSmoothing, codingRateWarmup,
                    minCka, raiseAfter, clearAfter, versionRaiseAfter, versionClearAfter);
        }
    }
}
