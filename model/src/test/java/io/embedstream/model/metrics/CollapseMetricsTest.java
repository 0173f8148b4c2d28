package io.embedstream.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CollapseMetricsTest {
    private final WindowMetrics metrics = WindowMetrics.withDefaults();

    @Test
    void isotropicGaussianHasEffectiveRankCloseToDimension() {
        int n = 2048;
        int d = 64;
        CollapseMetrics c = metrics.compute(EmbeddingWindow.of(Synthetic.gaussian(new Random(1), n, d), n, d))
                .collapse().orElseThrow();
        System.out.printf("isotropic n=%d d=%d: effective rank %.3f, coding rate %.3f%n", n, d, c.effectiveRank(), c.codingRate());
        assertTrue(c.effectiveRank() > 0.9 * d, "effective rank " + c.effectiveRank());
        assertTrue(c.effectiveRank() <= d + 1e-6, "effective rank " + c.effectiveRank());
        // Top-1 share of an isotropic spectrum is about 1/d (Marchenko-Pastur edge inflates it a little).
        double top1 = c.varianceFractionTopK().get(1);
        assertTrue(top1 > 1.0 / d && top1 < 2.0 / d, "top-1 variance fraction " + top1);
        assertEquals(16, c.spectrum().size());
        for (int i = 1; i < c.spectrum().size(); i++) {
            assertTrue(c.spectrum().get(i) <= c.spectrum().get(i - 1), "spectrum must be descending");
        }
    }

    @Test
    void rankFiveDataHasEffectiveRankCloseToFive() {
        int n = 2048;
        int d = 64;
        int k = 5;
        CollapseMetrics c = metrics.compute(EmbeddingWindow.of(Synthetic.rankK(new Random(2), n, d, k), n, d))
                .collapse().orElseThrow();
        System.out.printf("rank-%d n=%d d=%d: effective rank %.3f%n", k, n, d, c.effectiveRank());
        assertTrue(c.effectiveRank() >= k - 0.5 && c.effectiveRank() <= k + 0.5, "effective rank " + c.effectiveRank());
        assertEquals(1.0, c.varianceFractionTopK().get(5), 1e-6, "all variance lies in 5 directions");
        assertTrue(c.spectrum().get(5) < 1e-9 * c.spectrum().get(0), "6th eigenvalue must be ~0");
    }

    @Test
    void knownAnisotropicSpectrumIsRecovered() {
        // Coordinate j has standard deviation s_j; the covariance eigenvalues are s_j^2.
        int n = 20_000;
        int d = 4;
        double[] s = {3, 2, 1, 0.5};
        Random rng = new Random(3);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (s[j] * rng.nextGaussian());
            }
        }
        CollapseMetrics c = metrics.compute(EmbeddingWindow.of(x, n, d)).collapse().orElseThrow();
        for (int j = 0; j < d; j++) {
            assertEquals(s[j] * s[j], c.spectrum().get(j), 0.05 * s[j] * s[j], "eigenvalue " + j);
        }
        assertEquals(9.0 / 14.25, c.varianceFractionTopK().get(1), 0.01);
        // RankMe closed form on the singular values 3, 2, 1, 0.5.
        double[] p = {3 / 6.5, 2 / 6.5, 1 / 6.5, 0.5 / 6.5};
        double h = 0;
        for (double v : p) {
            h -= v * Math.log(v);
        }
        assertEquals(Math.exp(h), c.effectiveRank(), 0.03);
    }

    @Test
    void codingRateUsesTheSmallerGramConsistently() {
        // Sylvester: both sides of the identity must give the same value. n < d uses the n x n Gram; we
        // check it against a direct logdet of the d x d matrix via the eigenvalues of Z^T Z.
        int n = 30;
        int d = 50;
        float[] x = Synthetic.gaussian(new Random(4), n, d);
        double viaMetrics = metrics.compute(EmbeddingWindow.of(x, n, d)).collapse().orElseThrow().codingRate();
        FiniteRows rows = FiniteRows.of(EmbeddingWindow.of(x, n, d));
        double[] eig = DenseOps.symmetricEigenvaluesDescending(DenseOps.crossProduct(rows.z, n, d), d);
        double a = d / (n * 0.5);
        double direct = 0;
        for (double v : eig) {
            direct += 0.5 * Math.log(1 + a * v);
        }
        assertEquals(direct, viaMetrics, 1e-8);
        // And the d <= n path against the same eigenvalue formula.
        int n2 = 200;
        int d2 = 20;
        float[] x2 = Synthetic.gaussian(new Random(5), n2, d2);
        FiniteRows rows2 = FiniteRows.of(EmbeddingWindow.of(x2, n2, d2));
        double[] eig2 = DenseOps.symmetricEigenvaluesDescending(DenseOps.gram(rows2.z, n2, d2), n2);
        double a2 = d2 / (n2 * 0.5);
        double direct2 = 0;
        for (double v : eig2) {
            direct2 += 0.5 * Math.log(1 + a2 * v);
        }
        assertEquals(direct2, metrics.compute(EmbeddingWindow.of(x2, n2, d2)).collapse().orElseThrow().codingRate(), 1e-8);
    }

    @Test
    void collapseLowersCodingRate() {
        int n = 1024;
        int d = 64;
        double healthy = metrics.compute(EmbeddingWindow.of(Synthetic.gaussian(new Random(6), n, d), n, d))
                .collapse().orElseThrow().codingRate();
        double collapsed = metrics.compute(EmbeddingWindow.of(Synthetic.rankK(new Random(7), n, d, 2), n, d))
                .collapse().orElseThrow().codingRate();
        System.out.printf("coding rate healthy %.2f vs rank-2 %.2f%n", healthy, collapsed);
        assertTrue(collapsed < 0.25 * healthy, healthy + " vs " + collapsed);
    }
}
