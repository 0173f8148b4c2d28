package io.embedstream.pipeline.config;

import java.io.Serializable;

/**
 * The window metrics operator.
 *
 * <p>Defaults: windows of 1,024 embeddings; a probe set of the first 256 images for model-version drift; data
 * drift on samples of 128 images per window, re-embedded with the latest model; that inference on 1 CPU thread,
 * so that it does not contend with the trainer's operator threads for the cores (see
 * {@link io.embedstream.model.net.IntraOpThreads}).
 */
public record MetricsSettings(int windowSize, int probeSize, int driftSample, int inferenceThreads)
        implements Serializable {

    public MetricsSettings {
        if (windowSize < 16 || probeSize < 16 || driftSample < 16) {
            throw new IllegalArgumentException("window, probe and drift sample sizes must be at least 16, got "
                    + windowSize + ", " + probeSize + ", " + driftSample);
        }
        if (inferenceThreads < 1) {
            throw new IllegalArgumentException("metrics.inference-threads must be >= 1, got " + inferenceThreads);
        }
    }

    public MetricsSettings(int windowSize, int probeSize, int driftSample) {
        this(windowSize, probeSize, driftSample, 1);
    }

    public static MetricsSettings defaults() {
        return new MetricsSettings(1024, 256, 128, 1);
    }
}
