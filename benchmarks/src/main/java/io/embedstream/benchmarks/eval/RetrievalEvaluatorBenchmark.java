package io.embedstream.benchmarks.eval;

import io.embedstream.model.eval.EvaluationReport;
import io.embedstream.model.eval.LabeledEmbeddings;
import io.embedstream.model.eval.QualityBucket;
import io.embedstream.model.eval.RetrievalEvaluator;
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
 * The whole offline evaluation of 2,000 queries against 8,000 references of dimension 128 in 10 classes (the
 * synthetic and MNIST-sized test/train splits): retrieval over all neighbours, centroids, k-means NMI, effective
 * rank and norm/quality correlation, overall and for three quality buckets. Goal: under 5 s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class RetrievalEvaluatorBenchmark {
    private static final int QUERIES = 2000;
    private static final int REFERENCES = 8000;
    private static final int D = 128;
    private static final int CLASSES = 10;

    private LabeledEmbeddings queries;
    private LabeledEmbeddings references;
    private RetrievalEvaluator evaluator;

    @Setup
    public void setUp() {
        Random rng = new Random(1);
        references = clusters(REFERENCES, rng);
        QualityBucket[] buckets = new QualityBucket[QUERIES];
        float[] q = new float[QUERIES];
        for (int i = 0; i < QUERIES; i++) {
            buckets[i] = QualityBucket.values()[i % 3];
            q[i] = rng.nextFloat();
        }
        queries = clusters(QUERIES, rng).withBuckets(buckets).withQualities(q);
        evaluator = RetrievalEvaluator.withDefaults();
    }

    /** Class c has its mean at 2 e_c, unit Gaussian noise. */
    private static LabeledEmbeddings clusters(int n, Random rng) {
        float[] x = new float[n * D];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES;
            for (int j = 0; j < D; j++) {
                x[i * D + j] = (float) rng.nextGaussian() + (j == labels[i] ? 2f : 0f);
            }
        }
        return LabeledEmbeddings.of(x, n, D, labels);
    }

    @Benchmark
    public EvaluationReport evaluate2000Against8000() {
        return evaluator.evaluate(queries, references);
    }
}
