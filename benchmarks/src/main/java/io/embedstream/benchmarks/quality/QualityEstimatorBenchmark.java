package io.embedstream.benchmarks.quality;

import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.data.photo.PhotoObjects;
import io.embedstream.model.quality.QualityEstimator;
import io.embedstream.model.quality.QualityReport;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link QualityEstimator} in images per second on one thread, at 28x28 grayscale (MNIST-sized),
 * 224x224 RGB synthetic shapes, and RGB photos of the photo-like set at the network input sizes 64, 128 and 224
 * ({@code photoRgb}, parameter {@code side}). Each invocation scores the next image of a small pool of distinct
 * images, so branch predictors and caches do not see one image over and over.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar QualityEstimator -f 1 -wi 2 -i 3 -t 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Djava.awt.headless=true")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class QualityEstimatorBenchmark {
    private static final int POOL = 64;

    private final QualityEstimator estimator = QualityEstimator.defaults();
    private List<LabeledImage> gray28;
    private List<LabeledImage> rgb224;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        gray28 = SyntheticShapes.builder().seed(1).build().generate(POOL);
        rgb224 = SyntheticShapes.builder().channels(3).size(224, 224).seed(1).build().generate(POOL);
    }

    @Benchmark
    public QualityReport gray28x28() {
        next = (next + 1) & (POOL - 1);
        return estimator.estimate(gray28.get(next));
    }

    /** A pool of photo-like RGB images of one side. */
    @State(Scope.Thread)
    public static class Photos {
        @Param({"64", "128", "224"})
        public int side;
        List<LabeledImage> pool;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            pool = PhotoObjects.builder().size(side, side).seed(1).build().images(0, POOL);
        }
    }

    @Benchmark
    public QualityReport photoRgb(Photos photos) {
        photos.next = (photos.next + 1) & (POOL - 1);
        return estimator.estimate(photos.pool.get(photos.next));
    }

    @Benchmark
    public QualityReport rgb224x224() {
        next = (next + 1) & (POOL - 1);
        return estimator.estimate(rgb224.get(next));
    }
}
