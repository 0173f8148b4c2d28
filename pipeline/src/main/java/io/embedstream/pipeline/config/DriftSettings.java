package io.embedstream.pipeline.config;

import java.io.Serializable;

/**
 * The metrics operator's calibrated drift detectors ({@code ClassAwareDriftMonitor}: DATA_DRIFT, LABEL_SHIFT,
 * CLASS_DRIFT). Each value is checked here, at start, with a sentence that names its key.
 *
 * @param referenceSize      {@code metrics.drift.reference-size}: input images in the reference sample, embedded once
 *                           and calibrated on when complete (default 2,048; at most 4,096, at least 6 x the test
 *                           window of window-steps x rows-per-step)
 * @param expectedRunTime    {@code metrics.drift.expected-run-time}: the mean number of windows between false
 *                           alarms when nothing drifts (default 500); the label-shift test's alpha is 1/ERT
 * @param windowSteps        {@code metrics.drift.window-steps}: windows in the detector's test window (default 2)
 * @param rowsPerStep        {@code metrics.drift.rows-per-step}: rows each window contributes (default 32; at most
 *                           {@code metrics.drift-sample})
 * @param rebaseAfterWindows {@code metrics.drift.rebase-after-windows}: re-base the reference after this many tested
 *                           windows without a drift alarm (0 = never, the default)
 * @param versionWarmup      {@code metrics.version-drift.warmup-versions}: the first this many comparisons of
 *                           consecutive versions are published (with {@code version.warmup_left}) but cannot raise
 *                           VERSION_DRIFT, which would only say that a young model still moves (default 5; 0 = off)
 */
public record DriftSettings(int referenceSize, int expectedRunTime, int windowSteps, int rowsPerStep,
                            int rebaseAfterWindows, int versionWarmup) implements Serializable {
    /** Calibration keeps the reference's n x n kernel matrix. */
    public static final int MAX_REFERENCE_SIZE = 4096;
    /** Calibration simulates 100 x ERT streams: keep it to seconds. */
    public static final int MAX_EXPECTED_RUN_TIME = 100_000;

    public DriftSettings {
        if (expectedRunTime < 2 || expectedRunTime > MAX_EXPECTED_RUN_TIME) {
            throw new IllegalArgumentException("metrics.drift.expected-run-time must be between 2 and "
                    + MAX_EXPECTED_RUN_TIME + " windows, got " + expectedRunTime);
        }
        if (windowSteps < 1 || windowSteps > 64) {
            throw new IllegalArgumentException("metrics.drift.window-steps must be between 1 and 64, got " + windowSteps);
        }
        if (rowsPerStep < 2) {
            throw new IllegalArgumentException("metrics.drift.rows-per-step must be at least 2, got " + rowsPerStep);
        }
        long needed = 6L * windowSteps * rowsPerStep;
        if (referenceSize > MAX_REFERENCE_SIZE || referenceSize < needed) {
            throw new IllegalArgumentException("metrics.drift.reference-size must be between 6 x window-steps x "
                    + "rows-per-step = " + needed + " and " + MAX_REFERENCE_SIZE + ", got " + referenceSize);
        }
        if (versionWarmup < 0) {
            throw new IllegalArgumentException("metrics.version-drift.warmup-versions must be 0 (off) or a number of "
                    + "versions, got " + versionWarmup);
        }
        if (rebaseAfterWindows < 0) {
            throw new IllegalArgumentException("metrics.drift.rebase-after-windows must be 0 (never) or a number of "
                    + "windows, got " + rebaseAfterWindows);
        }
    }

    public static final int DEFAULT_VERSION_WARMUP = 5;

    public DriftSettings(int referenceSize, int expectedRunTime, int windowSteps, int rowsPerStep,
                         int rebaseAfterWindows) {
        this(referenceSize, expectedRunTime, windowSteps, rowsPerStep, rebaseAfterWindows, DEFAULT_VERSION_WARMUP);
    }

    /**
     * The defaults for windows that sample {@code driftSample} images: rows-per-step at most the sample, a reference
     * of at least the sample (so that a small {@code metrics.drift-sample} keeps working without drift settings).
     */
    public static DriftSettings defaultsFor(int driftSample) {
        return new DriftSettings(Math.min(MAX_REFERENCE_SIZE, Math.max(2048, driftSample)), 500, 2,
                Math.max(2, Math.min(32, driftSample)), 0);
    }
}
