package io.embedstream.benchmarks.metrics;

import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.WindowMetrics;
import io.embedstream.model.metrics.WindowReport;
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

/**
 * Per-window cost of the ERT drift detectors on windows of 1,024 embeddings of size 128 with 10 classes (the
 * same clusters as {@link WindowMetricsBenchmark}), at the default detector settings (W = 2 steps of b = 32
 * rows, ERT 500) and a reference of 2,048 or 4,096 rows: the plain and the class-stratified covariate
 * detector, the label-shift test, and the whole class-aware monitor (stratified detector, label shift and ten
 * per-class detectors). Calibration runs once in the setup and is not measured. {@link #windowWithAllDrift} is what
 * the metrics operator computes per window since the calibrated detectors: every window figure with the
 * permutation test (still published as a figure) plus the class-aware monitor; its goal is 50 ms.
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

    @Param({"2048", "4096"})
    public int referenceRows;

    private ErtMmdDetector plain;
    private ErtMmdDetector stratified;
    private LabelShiftTest labelShift;
    private ClassAwareDriftMonitor monitor;
    private WindowMetrics windowMetrics;
    private EmbeddingWindow[] flatWindows;
    private EmbeddingWindow flatReference;
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
        int[] referenceLabels = new int[N];
        flatReference = EmbeddingWindow.ofRows(ClusteredEmbeddings.rows(rng, N, referenceLabels), referenceLabels,
                ClusteredEmbeddings.qualities(rng, N));
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

    @Benchmark
    public ClassAwareDriftReport windowWithAllDrift() {
        int w = nextWindow();
        WindowReport report = windowMetrics.compute(flatWindows[w], flatReference);
        if (report.dimension() != ClusteredEmbeddings.D) {
            throw new AssertionError("unexpected dimension " + report.dimension());
        }
        return monitor.update(windows[w], labels[w]);
    }
}
