package io.embedstream.benchmarks.eval;

import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.model.eval.CorruptionEvaluator;
import io.embedstream.model.eval.CorruptionReport;
import io.embedstream.model.eval.LabeledEmbeddings;
import io.embedstream.model.eval.SimilarityMetric;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;
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
 * One query set's P@1 in the corruption evaluation at Fashion-MNIST's size: 10,000 test queries against the 60,000
 * train images of dimension 128 in 10 classes (R = 6,000 per class). {@code eval --corruptions all} pays this 16
 * times per model (clean and 5 kinds × 3 levels). The embedding is precomputed, so only the neighbour search is timed.
 * Nearly all of the time is the similarity kernel, which is why a P@1 path without MAP@R's ranking was not kept
 * (figures in docs/performance.md and docs/results.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class CorruptionPrecisionBenchmark {
    private static final int QUERIES = 10_000;
    private static final int REFERENCES = 60_000;
    private static final int D = 128;
    private static final int CLASSES = 10;

    private List<LabeledImage> test;
    private float[][] queryRows;
    private LabeledEmbeddings references;
    private CorruptionEvaluator evaluator;

    @Setup
    public void setUp() {
        Random rng = new Random(1);
        float[] refs = new float[REFERENCES * D];
        int[] refLabels = new int[REFERENCES];
        for (int i = 0; i < REFERENCES; i++) {
            refLabels[i] = i % CLASSES;
            fill(refs, i * D, refLabels[i], rng);
        }
        references = LabeledEmbeddings.of(refs, REFERENCES, D, refLabels);
        test = new ArrayList<>(QUERIES);
        queryRows = new float[QUERIES][D];
        for (int i = 0; i < QUERIES; i++) {
            int label = i % CLASSES;
            test.add(new LabeledImage("q" + i, label, 1, 1, 1, new byte[1]));
            fill(queryRows[i], 0, label, rng);
        }
        evaluator = new CorruptionEvaluator(SimilarityMetric.COSINE, 1);
    }

    /** Class c has its mean at 2 e_c, unit Gaussian noise. */
    private static void fill(float[] x, int offset, int label, Random rng) {
        for (int j = 0; j < D; j++) {
            x[offset + j] = (float) rng.nextGaussian() + (j == label ? 2f : 0f);
        }
    }

    @Benchmark
    public CorruptionReport cleanPrecisionAt1_10000Against60000() {
        return evaluator.evaluate(images -> queryRows, test, references, CorruptionSet.NONE);
    }
}
