package io.embedstream.model.metrics;

/**
 * Knobs of the model-version comparison. Build with {@link #builder()}.
 *
 * @param neighbours   k of the kNN neighbourhood overlap (default 10, as in kNN@10)
 */
public record VersionDriftConfig(int neighbours) {

    public VersionDriftConfig {
        if (neighbours < 1) {
            throw new IllegalArgumentException("neighbours must be >= 1, got " + neighbours);
        }
    }

    public static VersionDriftConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link VersionDriftConfig}; see the record's parameters for the defaults. */
    public static final class Builder {
        private int neighbours = 10;

        private Builder() {}

        public Builder neighbours(int v) {
            neighbours = v;
            return this;
        }

        public VersionDriftConfig build() {
            return new VersionDriftConfig(neighbours);
        }
    }
}
