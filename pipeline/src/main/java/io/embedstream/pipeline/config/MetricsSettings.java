package io.embedstream.pipeline.config;

import io.embedstream.model.train.Devices;
import java.io.Serializable;

/**
 * The window metrics operator.
 *
 * <p>Defaults: windows of 1,024 embeddings; a probe set of the first 256 images for model-version drift; data
 * drift on samples of 128 images per window, re-embedded with the latest model; that inference on 1 CPU thread,
 * so that it does not contend with the trainer's operator threads for the cores (see
 * {@link io.embedstream.model.net.IntraOpThreads}); no Prometheus endpoint; inference on the CPU, whatever device
 * the trainer uses, so that the metrics' model does not take GPU memory and time from the trainer's unless asked to.
 *
 * @param prometheusPort where the embedded MiniCluster serves Flink's Prometheus reporter ({@code /metrics}): a port,
 *                       a range or a comma-separated list of either ({@code 9249}, {@code 9250-9260}), as Flink's
 *                       {@code metrics.reporter.prom.port} takes it; null = no reporter. A Flink cluster that runs
 *                       the job (bin/cluster, docker/) configures its reporter itself, so this does not reach it
 * @param drift          the calibrated drift detectors ({@code metrics.drift.*})
 * @param device         where the metrics operator's copy of the model embeds ({@code metrics.device}): auto, cpu,
 *                       gpu or gpu:N, independent of the trainer's device; default cpu
 */
public record MetricsSettings(int windowSize, int probeSize, int driftSample, int inferenceThreads,
                              String prometheusPort, DriftSettings drift, String device) implements Serializable {

    public static final String DEFAULT_DEVICE = "cpu";

    public MetricsSettings {
        if (windowSize < 16 || probeSize < 16 || driftSample < 16) {
            throw new IllegalArgumentException("window, probe and drift sample sizes must be at least 16, got "
                    + windowSize + ", " + probeSize + ", " + driftSample);
        }
        if (inferenceThreads < 1) {
            throw new IllegalArgumentException("metrics.inference-threads must be >= 1, got " + inferenceThreads);
        }
        if (drift == null) {
            drift = DriftSettings.defaultsFor(driftSample);
        }
        if (drift.rowsPerStep() > driftSample) {
            throw new IllegalArgumentException("metrics.drift.rows-per-step (" + drift.rowsPerStep()
                    + ") exceeds metrics.drift-sample (" + driftSample + "): a window's sample must hold one step's rows");
        }
        if (drift.referenceSize() < driftSample) {
            throw new IllegalArgumentException("metrics.drift.reference-size (" + drift.referenceSize()
                    + ") is below metrics.drift-sample (" + driftSample + "); the permutation test uses the first "
                    + driftSample + " reference images");
        }
        if (device == null) {
            device = DEFAULT_DEVICE;
        }
        Devices.requireKnown("metrics.device", device);
        if (prometheusPort != null && !isPortRange(prometheusPort)) {
            throw new IllegalArgumentException("metrics.prometheus.port must be a port from 1 to 65535, a range such as"
                    + " 9250-9260, or a comma-separated list of these, got '" + prometheusPort + "'");
        }
    }

    public MetricsSettings(int windowSize, int probeSize, int driftSample, int inferenceThreads,
                           String prometheusPort, DriftSettings drift) {
        this(windowSize, probeSize, driftSample, inferenceThreads, prometheusPort, drift, DEFAULT_DEVICE);
    }

    public MetricsSettings(int windowSize, int probeSize, int driftSample, int inferenceThreads) {
        this(windowSize, probeSize, driftSample, inferenceThreads, null, null);
    }

    public MetricsSettings(int windowSize, int probeSize, int driftSample) {
        this(windowSize, probeSize, driftSample, 1);
    }

    public static MetricsSettings defaults() {
        return new MetricsSettings(1024, 256, 128, 1);
    }

    public MetricsSettings withPrometheusPort(String port) {
        return new MetricsSettings(windowSize, probeSize, driftSample, inferenceThreads, port, drift, device);
    }

    public MetricsSettings withDrift(DriftSettings value) {
        return new MetricsSettings(windowSize, probeSize, driftSample, inferenceThreads, prometheusPort, value, device);
    }

    public MetricsSettings withDevice(String value) {
        return new MetricsSettings(windowSize, probeSize, driftSample, inferenceThreads, prometheusPort, drift, value);
    }

    /**
     * The grammar of Flink's port settings, stricter than Flink's own parser ({@code NetUtils.getPortRangeFromString}),
     * which accepts port 0 and a trailing comma: a reporter that cannot serve its scrape port must fail at start.
     */
    private static boolean isPortRange(String value) {
        for (String part : value.split(",", -1)) {
            String[] ends = part.trim().split("-", -1);
            if (ends.length > 2) {
                return false;
            }
            int first = port(ends[0]);
            int last = ends.length == 2 ? port(ends[1]) : first;
            if (first < 1 || last < first) {
                return false;
            }
        }
        return true;
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value.trim());
            return port <= 65535 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
