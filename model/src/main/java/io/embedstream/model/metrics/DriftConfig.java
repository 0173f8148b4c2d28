package io.embedstream.model.metrics;

/**
 * Knobs of the MMD data-drift test. Build with {@link #builder()}.
 *
 * @param permutations          permutations of the pooled sample for the p-value (default 200; the
 *                              smallest attainable p-value is 1 / (permutations + 1))
 * @param maxSamplesPerWindow   each window is subsampled (seeded, without replacement) to at most this
 *                              many rows (default 256). Cost grows as (m+n)^2 (d + permutations), so
 *                              this is the main speed knob: 256 keeps the test around 10 ms per window
 *                              at d = 128 and still detects a half-sigma mean shift in 10% of 128
 *                              dimensions every time (see the power test)
 * @param seed                  seed of the subsampling and the permutations (default 7)
 */
public record DriftConfig(int permutations, int maxSamplesPerWindow, long seed) {

    public DriftConfig {
        if (permutations < 19) {
            throw new IllegalArgumentException("permutations must be >= 19 so that p < 0.05 is attainable, got " + permutations);
        }
        if (maxSamplesPerWindow < 2) {
            throw new IllegalArgumentException("maxSamplesPerWindow must be >= 2, got " + maxSamplesPerWindow);
        }
    }

    public static DriftConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link DriftConfig}; see the record's parameters for the defaults. */
    public static final class Builder {
        private int permutations = 200;
        private int maxSamplesPerWindow = 256;
        private long seed = 7L;

        private Builder() {}

        public Builder permutations(int v) {
            permutations = v;
            return this;
        }

        public Builder maxSamplesPerWindow(int v) {
            maxSamplesPerWindow = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public DriftConfig build() {
            return new DriftConfig(permutations, maxSamplesPerWindow, seed);
        }
    }
}
