package io.embedstream.benchmarks.quality;

import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.data.photo.PhotoObjects;
import io.embedstream.model.quality.QualityEstimator;
import io.embedstream.types.LabeledImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * Images per second per core of {@link QualityEstimator}, from the thread's CPU time rather than the wall clock:
 * on a machine shared with other work, JMH's wall-clock throughput measures the share of a core this thread got,
 * while the CPU time of the scoring thread still measures the estimator (cache and memory-bandwidth contention
 * aside). The same pools as {@link QualityEstimatorBenchmark}: 28x28 grey shapes and photo-like RGB at 64, 128
 * and 224; each round scores the whole pool, after warm-up rounds for the JIT.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.embedstream.benchmarks.quality.QualityEstimatorCpuTime
 * [SECONDS_OF_CPU_PER_SIZE]} (default 3).
 */
public final class QualityEstimatorCpuTime {
    private static final int POOL = 64;

    private QualityEstimatorCpuTime() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        QualityEstimator estimator = QualityEstimator.defaults();
        measure("28x28 grey shapes", SyntheticShapes.builder().seed(1).build().generate(POOL), estimator, threads, seconds);
        for (int side : new int[] {64, 128, 224}) {
            measure(side + "x" + side + " RGB photos",
                    PhotoObjects.builder().size(side, side).seed(1).build().images(0, POOL), estimator, threads, seconds);
        }
    }

    private static void measure(String name, List<LabeledImage> pool, QualityEstimator estimator, ThreadMXBean threads,
                                double seconds) {
        double sink = 0;
        long warmUntil = threads.getCurrentThreadCpuTime() + (long) (seconds * 0.5e9);
        while (threads.getCurrentThreadCpuTime() < warmUntil) {
            for (LabeledImage im : pool) {
                sink += estimator.estimate(im).q();
            }
        }
        long images = 0;
        long start = threads.getCurrentThreadCpuTime();
        long until = start + (long) (seconds * 1e9);
        long now;
        do {
            for (LabeledImage im : pool) {
                sink += estimator.estimate(im).q();
            }
            images += pool.size();
            now = threads.getCurrentThreadCpuTime();
        } while (now < until);
        System.out.printf(Locale.ROOT, "%-20s %,10.0f images per CPU-second (%,d images, %.2f s CPU; checksum %.3f)%n",
                name, images / ((now - start) / 1e9), images, (now - start) / 1e9, sink);
    }
}
