package io.embedstream.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SeparationMetricsTest {
    private final WindowMetrics metrics = WindowMetrics.withDefaults();

    /** Two classes with means at -20 e_0 and +20 e_0 and unit isotropic noise. */
    private static EmbeddingWindow twoSeparatedClasses(int n, int d, double halfGap, long seed) {
        float[] x = Synthetic.gaussian(new Random(seed), n, d);
        int[] y = Synthetic.roundRobinLabels(n, 2);
        for (int i = 0; i < n; i++) {
            x[i * d] += (float) (y[i] == 0 ? -halfGap : halfGap);
        }
        return new EmbeddingWindow(x, n, d, y, null);
    }

    @Test
    void wellSeparatedClassesHaveNc1NearZero() {
        SeparationMetrics s = metrics.compute(twoSeparatedClasses(1024, 64, 20, 11)).separation().orElseThrow();
        double nc1 = s.nc1().orElseThrow();
        System.out.printf("two separated classes: NC1 %.5f, intra/inter %.4f, min centroid cos dist %.4f, "
                + "alignment %.4f, uniformity %.4f%n", nc1, s.intraInterDistanceRatio().orElseThrow(),
                s.minCentroidCosineDistance().orElseThrow(), s.alignment().orElseThrow(), s.uniformity().orElseThrow());
        // Closed form: S_W ~ I, S_B = 400 e0 e0^T, so trace(S_W S_B^+)/C ~ (1/400)/2.
        assertTrue(nc1 < 0.01, "NC1 " + nc1);
        assertEquals(1.0 / 800, nc1, 0.0005);
        assertEquals(2, s.classCount());
        assertTrue(s.intraInterDistanceRatio().orElseThrow() < 0.5);
        assertTrue(s.minCentroidCosineDistance().orElseThrow() > 1.0, "centroids are nearly antipodal");
    }

    @Test
    void randomLabelsOnIsotropicDataHaveLargeNc1() {
        int n = 1024;
        int d = 32;
        float[] x = Synthetic.gaussian(new Random(12), n, d);
        SeparationMetrics s = metrics.compute(new EmbeddingWindow(x, n, d, Synthetic.roundRobinLabels(n, 4), null))
                .separation().orElseThrow();
        // Class means differ only by noise of variance 1/256 per coordinate, so S_B is tiny relative to S_W.
        assertTrue(s.nc1().orElseThrow() > 10, "NC1 " + s.nc1());
        assertEquals(1.0, s.intraInterDistanceRatio().orElseThrow(), 0.02);
        assertTrue(s.minCentroidCosineDistance().orElseThrow() < 1.0 && s.minCentroidCosineDistance().orElseThrow() > 0.5);
    }

    @Test
    void alignmentAndUniformityMatchClosedFormsForAPoint() {
        // All rows on one direction, two labels: alignment 0, uniformity log(1) = 0.
        int n = 10;
        int d = 3;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            x[i * d] = 1 + i; // different norms, same direction
        }
        SeparationMetrics s = metrics.compute(new EmbeddingWindow(x, n, d, Synthetic.roundRobinLabels(n, 2), null))
                .separation().orElseThrow();
        assertEquals(0.0, s.alignment().orElseThrow(), 1e-12);
        assertEquals(0.0, s.uniformity().orElseThrow(), 1e-12);
        assertEquals(0.0, s.minCentroidCosineDistance().orElseThrow(), 1e-12);
    }

    @Test
    void uniformityOfSpreadDataIsLowerThanOfClusteredData() {
        int n = 512;
        int d = 16;
        double spread = metrics.compute(EmbeddingWindow.of(Synthetic.gaussian(new Random(13), n, d), n, d))
                .separation().orElseThrow().uniformity().orElseThrow();
        double clustered = metrics.compute(EmbeddingWindow.of(Synthetic.rankK(new Random(14), n, d, 2), n, d))
                .separation().orElseThrow().uniformity().orElseThrow();
        // Uniform on S^{d-1}: E|u-v|^2 = 2, so uniformity is close to -4 for large d (Jensen: >= -4).
        assertTrue(spread < -3.0 && spread >= -4.0 - 1e-9, "spread " + spread);
        assertTrue(clustered > spread + 1.0, "clustered " + clustered);
    }

    @Test
    void pairSamplingKicksInForLargeWindowsAndIsDeterministic() {
        EmbeddingWindow w = twoSeparatedClasses(1024, 16, 3, 15);
        SeparationMetrics a = metrics.compute(w).separation().orElseThrow();
        SeparationMetrics b = metrics.compute(w).separation().orElseThrow();
        assertTrue(a.pairsSampled());
        assertEquals(a, b);
        // The sample must estimate the all-pairs value well: with 10,000 pairs the standard error is about
        // 0.015 for uniformity (heavy-tailed exp terms) and far less for the distance means.
        WindowMetrics exact = new WindowMetrics(MetricsConfig.builder().maxPairs(1_000_000).build(), DriftConfig.defaults());
        SeparationMetrics all = exact.compute(w).separation().orElseThrow();
        assertTrue(!all.pairsSampled());
        assertEquals(all.uniformity().orElseThrow(), a.uniformity().orElseThrow(), 0.05);
        assertEquals(all.alignment().orElseThrow(), a.alignment().orElseThrow(), 0.02);
        assertEquals(all.intraInterDistanceRatio().orElseThrow(), a.intraInterDistanceRatio().orElseThrow(), 0.01);
    }
}
