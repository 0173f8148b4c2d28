package io.embedstream.benchmarks.metrics;

import io.embedstream.model.metrics.DataDriftTest;
import io.embedstream.model.metrics.DriftConfig;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.WindowMetrics;
import io.embedstream.model.metrics.drift.ClassAwareDriftConfig;
import io.embedstream.model.metrics.drift.ClassAwareDriftMonitor;
import io.embedstream.model.metrics.drift.ClassAwareDriftReport;
import io.embedstream.model.metrics.drift.ErtMmdConfig;
import io.embedstream.model.metrics.drift.ErtMmdDetector;
import io.embedstream.model.metrics.drift.ErtMmdResult;
import io.embedstream.model.metrics.drift.LabelShiftConfig;
import io.embedstream.model.metrics.drift.LabelShiftResult;
import io.embedstream.model.metrics.drift.LabelShiftTest;
import io.embedstream.model.metrics.drift.ReferenceSample;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-window cost of the ERT drift detectors on windows of 1,024 embeddings of size 128 with 10 classes (the
 * same clusters as {@link WindowMetricsBenchmark}), at the default detector settings (W = 2 steps of b = 32
 * rows, ERT 500) and a reference of 2,048 or 4,096 rows: the plain and the class-stratified covariate
 * detector, the label-shift test, and the whole class-aware monitor (stratified detector, label shift and ten
 * per-class detectors). Calibration runs once in the setup and is not measured. {@link #operatorWindow} is the
 * metrics operator's per-window arithmetic.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ErtMmdDetectorBenchmark {
    private static final int N = ClusteredEmbeddings.N;
    private static final int WINDOWS = 8;
    private static final int DRIFT_SAMPLE = 128;

    @Param({"2048", "4096"})
    public int referenceRows;

    private ErtMmdDetector plain;
    private ErtMmdDetector stratified;
    private LabelShiftTest labelShift;
    private ClassAwareDriftMonitor monitor;
    private WindowMetrics windowMetrics;
    private DataDriftTest permutationTest;
    private EmbeddingWindow[] flatWindows;
    private EmbeddingWindow[] driftSamples;
    private float[][][] driftSampleRows;
    private int[][] driftSampleLabels;
    private EmbeddingWindow driftReference;
    private float[][][] windows;
    private int[][] labels;
    private int next;

    @Setup
    public void setUp() {
        Random rng = new Random(3);
        int[] refLabels = new int[referenceRows];
        float[][] ref = ClusteredEmbeddings.rows(rng, referenceRows, refLabels);
        ReferenceSample reference = ReferenceSample.of(ref, refLabels);
        plain = ErtMmdDetector.calibrate(ErtMmdConfig.builder(reference).stratifyByClass(false).build());
        ErtMmdConfig stratifiedConfig = ErtMmdConfig.builder(reference).stratifyByClass(true).build();
        stratified = ErtMmdDetector.calibrate(stratifiedConfig);
        labelShift = LabelShiftTest.of(reference, LabelShiftConfig.defaults());
        monitor = ClassAwareDriftMonitor.calibrate(ClassAwareDriftConfig.of(stratifiedConfig));
        windows = new float[WINDOWS][][];
        labels = new int[WINDOWS][N];
        for (int w = 0; w < WINDOWS; w++) {
            windows[w] = ClusteredEmbeddings.rows(rng, N, labels[w]);
        }
        windowMetrics = WindowMetrics.withDefaults();
        flatWindows = new EmbeddingWindow[WINDOWS];
        for (int w = 0; w < WINDOWS; w++) {
            flatWindows[w] = EmbeddingWindow.ofRows(windows[w], labels[w], ClusteredEmbeddings.qualities(rng, N));
        }
        // The operator's drift sample: metrics.drift-sample (128) images of each window, tested against the
        // reference's first 128 by the permutation test and fed to the class-aware monitor.
        permutationTest = new DataDriftTest(DriftConfig.defaults());
        driftSamples = new EmbeddingWindow[WINDOWS];
        driftSampleRows = new float[WINDOWS][][];
        driftSampleLabels = new int[WINDOWS][];
        for (int w = 0; w < WINDOWS; w++) {
            driftSampleRows[w] = Arrays.copyOf(windows[w], DRIFT_SAMPLE);
            driftSampleLabels[w] = Arrays.copyOf(labels[w], DRIFT_SAMPLE);
            driftSamples[w] = EmbeddingWindow.ofRows(driftSampleRows[w], driftSampleLabels[w], null);
        }
        driftReference = EmbeddingWindow.ofRows(Arrays.copyOf(ref, DRIFT_SAMPLE), Arrays.copyOf(refLabels, DRIFT_SAMPLE),
                null);
    }

    private int nextWindow() {
        next = (next + 1) % WINDOWS;
        return next;
    }

    @Benchmark
    public ErtMmdResult ertUpdate() {
        return plain.update(windows[nextWindow()]);
    }

    @Benchmark
    public ErtMmdResult ertUpdateStratified() {
        int w = nextWindow();
        return stratified.update(windows[w], labels[w]);
    }

    @Benchmark
    public LabelShiftResult labelShiftTest() {
        return labelShift.test(labels[nextWindow()]);
    }

    @Benchmark
    public ClassAwareDriftReport classAwareMonitor() {
        int w = nextWindow();
        return monitor.update(windows[w], labels[w]);
    }

    /**
     * What the metrics operator computes per window, less the one forward pass of the drift sample: the figures of
     * the window's 1,024 embeddings, the permutation test of its 128-image drift sample against the reference's first
     * 128 (a figure only), and the class-aware monitor on that sample. Its goal is 50 ms.
     */
    @Benchmark
    public void operatorWindow(Blackhole sink) {
        int w = nextWindow();
        sink.consume(windowMetrics.compute(flatWindows[w]));
        sink.consume(permutationTest.test(driftReference, driftSamples[w]));
        sink.consume(monitor.update(driftSampleRows[w], driftSampleLabels[w]));
    }
}
