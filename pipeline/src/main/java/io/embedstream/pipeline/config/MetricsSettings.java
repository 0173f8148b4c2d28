package io.embedstream.pipeline.config;

import java.io.Serializable;

/**
 * The window metrics operator.
 *
 * <p>Defaults: windows of 1,024 embeddings; a probe set of the first 256 images for model-version drift; data
 * drift on samples of 128 images per window, re-embedded with the latest model.
 */
public record MetricsSettings(int windowSize, int probeSize, int driftSample) implements Serializable {

    public MetricsSettings {
        if (windowSize < 16 || probeSize < 16 || driftSample < 16) {
            throw new IllegalArgumentException("window, probe and drift sample sizes must be at least 16, got "
                    + windowSize + ", " + probeSize + ", " + driftSample);
        }
    }

    public static MetricsSettings defaults() {
        return new MetricsSettings(1024, 256, 128);
    }
}
