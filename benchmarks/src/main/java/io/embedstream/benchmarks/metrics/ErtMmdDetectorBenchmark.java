package io.embedstream.benchmarks.metrics;

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
 * per-class detectors). Calibration runs once in the setup and is not measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ErtMmdDetectorBenchmark {
    private static final int N = 1024;
    private static final int D = 128;
    private static final int CLASSES = 10;
    private static final int WINDOWS = 8;

    @Param({"2048", "4096"})
    public int referenceRows;

    private ErtMmdDetector plain;
    private ErtMmdDetector stratified;
    private LabelShiftTest labelShift;
    private ClassAwareDriftMonitor monitor;
    private float[][][] windows;
    private int[][] labels;
    private int next;

    @Setup
    public void setUp() {
        Random rng = new Random(3);
        int[] refLabels = new int[referenceRows];
        float[][] ref = clustered(rng, referenceRows, refLabels);
        ReferenceSample reference = ReferenceSample.of(ref, refLabels);
        plain = ErtMmdDetector.calibrate(ErtMmdConfig.builder(reference).stratifyByClass(false).build());
        ErtMmdConfig stratifiedConfig = ErtMmdConfig.builder(reference).stratifyByClass(true).build();
        stratified = ErtMmdDetector.calibrate(stratifiedConfig);
        labelShift = LabelShiftTest.of(reference, LabelShiftConfig.defaults());
        monitor = ClassAwareDriftMonitor.calibrate(ClassAwareDriftConfig.of(stratifiedConfig));
        windows = new float[WINDOWS][][];
        labels = new int[WINDOWS][N];
        for (int w = 0; w < WINDOWS; w++) {
            windows[w] = clustered(rng, N, labels[w]);
        }
    }

    /** Gaussian clusters: class c has its mean at 2 e_c, unit noise; labels round-robin. */
    private static float[][] clustered(Random rng, int n, int[] labelsOut) {
        float[][] x = new float[n][D];
        for (int i = 0; i < n; i++) {
            labelsOut[i] = i % CLASSES;
            for (int j = 0; j < D; j++) {
                x[i][j] = (float) rng.nextGaussian();
            }
            x[i][labelsOut[i]] += 2f;
        }
        return x;
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
}
