package io.embedstream.benchmarks.metrics;

import io.embedstream.model.metrics.DataDriftResult;
import io.embedstream.model.metrics.DataDriftTest;
import io.embedstream.model.metrics.DriftConfig;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.WindowMetrics;
import io.embedstream.model.metrics.WindowReport;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the feature-space metrics on one window of 1,024 embeddings of size 128 with 10 classes:
 * single-window metrics alone, the MMD drift test (200 permutations, default cap of 256 rows per
 * window) alone, and both together, which is what a monitoring operator pays per window.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WindowMetricsBenchmark {
    private WindowMetrics metrics;
    private DataDriftTest drift;
    private EmbeddingWindow window;
    private EmbeddingWindow reference;

    @Setup
    public void setUp() {
        metrics = WindowMetrics.withDefaults();
        drift = new DataDriftTest(DriftConfig.defaults());
        window = labelledWindow(new Random(1));
        reference = labelledWindow(new Random(2));
    }

    private static EmbeddingWindow labelledWindow(Random rng) {
        int[] labels = new int[ClusteredEmbeddings.N];
        float[][] rows = ClusteredEmbeddings.rows(rng, ClusteredEmbeddings.N, labels);
        return EmbeddingWindow.ofRows(rows, labels, ClusteredEmbeddings.qualities(rng, ClusteredEmbeddings.N));
    }

    @Benchmark
    public WindowReport singleWindowMetrics() {
        return metrics.compute(window);
    }

    @Benchmark
    public DataDriftResult mmdPermutationTest() {
        return drift.test(reference, window);
    }

    @Benchmark
    public WindowReport allMetricsWithDrift() {
        return metrics.compute(window, reference);
    }
}
