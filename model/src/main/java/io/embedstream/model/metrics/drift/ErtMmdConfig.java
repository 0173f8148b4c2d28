package io.embedstream.model.metrics.drift;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Configuration of an {@link ErtMmdDetector}. Build with {@link #builder(ReferenceSample)}; the record
 * validates itself and names the offending value.
 *
 * @param reference        the fixed reference sample (at most {@value #MAX_REFERENCE_ROWS} rows; see below)
 * @param expectedRunTime  ERT: the mean number of tested windows between false alarms when nothing drifts
 *                         (default 500). The per-window false-alarm probability is 1/ERT
 * @param windowSteps      W: the test window is the subsamples of the last W stream windows, so one alarm
 *                         weighs W x rowsPerStep embeddings (default 2). Larger W: more power against
 *                         small shifts, later detection of large ones, costlier calibration
 * @param rowsPerStep      b: rows drawn from each stream window (default 32). The cost of an update is
 *                         about b x (reference rows) x d multiply-adds and b x (reference rows) exponentials
 * @param bootstraps       simulated drift-free streams used to set the thresholds (default 100 x ERT, so
 *                         that about 100 simulated streams lie beyond each threshold and the realised ERT
 *                         carries about 10% of quantile noise; at least 10 x ERT, which leaves about 30%)
 * @param bandwidth        sigma^2 of the RBF kernel k(x, y) = exp(-|x - y|^2 / (2 sigma^2)), in the units of
 *                         the embeddings; empty (the default) for the median heuristic: the median squared
 *                         distance between reference rows, as {@code DataDriftTest} does
 * @param seed             seed of the simulation, of the reference split and of the per-window subsampling
 *                         (default 7)
 * @param stratifyByClass  draw each step's rows with per-class quotas equal to the reference's class
 *                         proportions, so that a new class mix (label shift) leaves the statistic's
 *                         distribution unchanged (default: true when the reference has labels)
 *
 * <p><b>Reference size.</b> Each simulated stream holds out 2 x W x b reference rows; the rest is the
 * comparison part, which must be at least 4 x the test window (W x b). The thresholds are calibrated over
 * random splits of the reference, but a running detector compares with one fixed split, whose own sampling
 * error shifts the statistic's mean and spread: the realised ERT of one detector scatters around the target,
 * the more so the larger r = W x b / comparisonRows, and more for embeddings dominated by a few directions than
 * for embeddings with many comparable ones. The simulation's quantile noise adds about
 * 1 / sqrt(bootstraps / ERT) (the relative noise of a count of about bootstraps / ERT streams beyond a
 * threshold). Keep the comparison part tens of times the test window when the false-alarm rate matters: at
 * the defaults (W x b = 64) a reference of 2,048 to 4,096 rows gives 30 to 62 x.
 */
public record ErtMmdConfig(ReferenceSample reference, int expectedRunTime, int windowSteps, int rowsPerStep,
                           int bootstraps, OptionalDouble bandwidth, long seed, boolean stratifyByClass) {

    /** Calibration keeps the n x n kernel matrix of the reference in floats: 64 MiB at this size. */
    public static final int MAX_REFERENCE_ROWS = 4096;

    public ErtMmdConfig {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(bandwidth, "bandwidth (use OptionalDouble.empty() for the median heuristic)");
        if (expectedRunTime < 2) {
            throw new IllegalArgumentException("expectedRunTime must be at least 2 windows, got " + expectedRunTime);
        }
        if (windowSteps < 1 || windowSteps > 64) {
            throw new IllegalArgumentException("windowSteps must be between 1 and 64, got " + windowSteps);
        }
        if (rowsPerStep < 2) {
            throw new IllegalArgumentException("rowsPerStep must be at least 2, got " + rowsPerStep);
        }
        if ((long) bootstraps < 10L * expectedRunTime) {
            throw new IllegalArgumentException("bootstraps must be at least 10 x expectedRunTime = "
                    + 10L * expectedRunTime + " so that enough simulated streams lie beyond each threshold, got "
                    + bootstraps);
        }
        if (bandwidth.isPresent() && !(bandwidth.getAsDouble() > 0 && Double.isFinite(bandwidth.getAsDouble()))) {
            throw new IllegalArgumentException("bandwidth must be positive and finite, got " + bandwidth.getAsDouble());
        }
        int n = reference.n();
        if (n > MAX_REFERENCE_ROWS) {
            throw new IllegalArgumentException("the reference has " + n + " rows; at most " + MAX_REFERENCE_ROWS
                    + " are supported (calibration keeps the n x n kernel matrix); subsample it");
        }
        long testWindow = (long) windowSteps * rowsPerStep;
        long needed = minReferenceRows(windowSteps, rowsPerStep);
        if (n < needed) {
            throw new IllegalArgumentException("the reference has " + n + " rows; windowSteps " + windowSteps
                    + " x rowsPerStep " + rowsPerStep + " needs at least 6 x " + testWindow + " = " + needed
                    + " (2 x W x b held out per simulated stream, and a comparison part of at least 4 x the test window)");
        }
        if (stratifyByClass) {
            if (!reference.hasLabels()) {
                throw new IllegalArgumentException("stratifyByClass is true but the reference has no labels; "
                        + "give labels or set it false");
            }
            Strata strata = Strata.of(reference.rawLabels(), rowsPerStep);
            for (int k = 0; k < strata.classes.length; k++) {
                long draw = 2L * windowSteps * strata.quotas[k];
                if (strata.counts[k] < draw) {
                    throw new IllegalArgumentException("class " + strata.classes[k] + " has " + strata.counts[k]
                            + " reference rows but each simulated stream draws 2 x windowSteps x its quota of "
                            + strata.quotas[k] + " = " + draw + "; give more rows of that class or set stratifyByClass false");
                }
            }
        }
    }

    /**
     * The fewest reference rows a detector with W = {@code windowSteps} and b = {@code rowsPerStep} accepts:
     * 6 x W x b, that is 2 x W x b held out per simulated stream and a comparison part of at least 4 x the test
     * window.
     */
    public static long minReferenceRows(int windowSteps, int rowsPerStep) {
        return 6L * windowSteps * rowsPerStep;
    }

    /** Rows of the test window, W x b. */
    public int testWindowRows() {
        return windowSteps * rowsPerStep;
    }

    /** Reference rows the running detector compares with: n - 2 x W x b. */
    public int comparisonRows() {
        return reference.n() - 2 * testWindowRows();
    }

    /** The false-alarm probability per tested window, 1 / ERT. */
    public double falseAlarmRate() {
        return 1.0 / expectedRunTime;
    }

    public static Builder builder(ReferenceSample reference) {
        return new Builder(reference);
    }

    /** Builder for {@link ErtMmdConfig}; see the record's parameters for the defaults. */
    public static final class Builder {
        private final ReferenceSample reference;
        private int expectedRunTime = 500;
        private int windowSteps = 2;
        private int rowsPerStep = 32;
        private Integer bootstraps;
        private OptionalDouble bandwidth = OptionalDouble.empty();
        private long seed = 7L;
        private Boolean stratifyByClass;

        private Builder(ReferenceSample reference) {
            this.reference = Objects.requireNonNull(reference, "reference");
        }

        public Builder expectedRunTime(int v) {
            expectedRunTime = v;
            return this;
        }

        public Builder windowSteps(int v) {
            windowSteps = v;
            return this;
        }

        public Builder rowsPerStep(int v) {
            rowsPerStep = v;
            return this;
        }

        public Builder bootstraps(int v) {
            bootstraps = v;
            return this;
        }

        /** sigma^2 in the units of the embeddings; see the record. */
        public Builder bandwidth(double sigma2) {
            bandwidth = OptionalDouble.of(sigma2);
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder stratifyByClass(boolean v) {
            stratifyByClass = v;
            return this;
        }

        public ErtMmdConfig build() {
            int b = bootstraps != null ? bootstraps : (int) Math.min(Integer.MAX_VALUE, 100L * Math.max(expectedRunTime, 0));
            boolean s = stratifyByClass != null ? stratifyByClass : reference.hasLabels();
            return new ErtMmdConfig(reference, expectedRunTime, windowSteps, rowsPerStep, b, bandwidth, seed, s);
        }
    }
}
