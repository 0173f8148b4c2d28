package io.embedstream.model.metrics;

import java.util.Arrays;

/**
 * Knobs of the single-window metrics. Build with {@link #builder()}; every knob has a documented default,
 * so {@code MetricsConfig.defaults()} is a sensible production setting for embeddings of size 64 to 1024.
 *
 * @param spectrumSize        number of top covariance eigenvalues reported as the spectrum (default 16)
 * @param varianceTopK        the k's for which the fraction of variance in the top-k directions is
 *                            reported (default {1, 2, 5})
 * @param rankMeEpsilon       epsilon added to the normalised singular values before the entropy, as in
 *                            RankMe (default 1e-7)
 * @param codingRateEpsilon   distortion eps in R = 1/2 logdet(I + d/(n eps) Z^T Z) (default 0.5); note it
 *                            plays the role of eps^2 in Yu et al. 2020
 * @param maxPairs            cap on the number of embedding pairs used by the pair-based metrics
 *                            (alignment, uniformity, intra/inter distances); beyond it pairs are drawn
 *                            with a seeded generator so results are reproducible (default 10,000: the
 *                            standard error of a mean over 10,000 pairs is about 1% of the pair spread)
 * @param seed                seed of that pair sampling (default 42)
 */
public record MetricsConfig(int spectrumSize, int[] varianceTopK, double rankMeEpsilon, double codingRateEpsilon,
                            int maxPairs, long seed) {

    public MetricsConfig {
        if (spectrumSize < 1) {
            throw new IllegalArgumentException("spectrumSize must be >= 1, got " + spectrumSize);
        }
        varianceTopK = varianceTopK.clone();
        for (int k : varianceTopK) {
            if (k < 1) {
                throw new IllegalArgumentException("varianceTopK entries must be >= 1, got " + k);
            }
        }
        if (!(rankMeEpsilon >= 0 && rankMeEpsilon < 1e-2)) {
            throw new IllegalArgumentException("rankMeEpsilon must be in [0, 1e-2), got " + rankMeEpsilon);
        }
        if (!(codingRateEpsilon > 0) || !Double.isFinite(codingRateEpsilon)) {
            throw new IllegalArgumentException("codingRateEpsilon must be positive, got " + codingRateEpsilon);
        }
        if (maxPairs < 100) {
            throw new IllegalArgumentException("maxPairs must be >= 100, got " + maxPairs);
        }
    }

    @Override
    public int[] varianceTopK() {
        return varianceTopK.clone();
    }

    public static MetricsConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricsConfig c && spectrumSize == c.spectrumSize && Arrays.equals(varianceTopK, c.varianceTopK)
                && rankMeEpsilon == c.rankMeEpsilon && codingRateEpsilon == c.codingRateEpsilon
                && maxPairs == c.maxPairs && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(varianceTopK) * 31 + Long.hashCode(seed) + spectrumSize;
    }

    @Override
    public String toString() {
        return "MetricsConfig[spectrumSize=" + spectrumSize + ", varianceTopK=" + Arrays.toString(varianceTopK)
                + ", rankMeEpsilon=" + rankMeEpsilon + ", codingRateEpsilon=" + codingRateEpsilon
                + ", maxPairs=" + maxPairs + ", seed=" + seed + "]";
    }

    /** Builder for {@link MetricsConfig}; see the record's parameters for the defaults. */
    public static final class Builder {
        private int spectrumSize = 16;
        private int[] varianceTopK = {1, 2, 5};
        private double rankMeEpsilon = 1e-7;
        private double codingRateEpsilon = 0.5;
        private int maxPairs = 10_000;
        private long seed = 42L;

        private Builder() {}

        public Builder spectrumSize(int v) {
            spectrumSize = v;
            return this;
        }

        public Builder varianceTopK(int... ks) {
            varianceTopK = ks.clone();
            return this;
        }

        public Builder rankMeEpsilon(double v) {
            rankMeEpsilon = v;
            return this;
        }

        public Builder codingRateEpsilon(double v) {
            codingRateEpsilon = v;
            return this;
        }

        public Builder maxPairs(int v) {
            maxPairs = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public MetricsConfig build() {
            return new MetricsConfig(spectrumSize, varianceTopK, rankMeEpsilon, codingRateEpsilon, maxPairs, seed);
        }
    }
}
