package io.embedstream.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The anti-collapse surrogate's gradient (what autograd sees) against central finite differences of the
 * loss computed independently in float64, through the L2 normalisation, on random inputs; both modes and
 * both Gram orientations (B < d and B > d).
 */
class AntiCollapseGradientCheckTest {

    /** exp(-gamma2 * 1/2 logdet(I + c V^T V)) in float64, with the rows of {@code raw} normalised. */
    private static double reference(double[] raw, int n, int d, double c) {
        double[][] v = new double[n][d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += raw[i * d + j] * raw[i * d + j];
            }
            norm = Math.sqrt(norm + 1e-12);
            for (int j = 0; j < d; j++) {
                v[i][j] = raw[i * d + j] / norm;
            }
        }
        // A = I + c V V^T (n x n); logdet by Cholesky.
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += v[i][k] * v[j][k];
                }
                a[i][j] = (i == j ? 1 : 0) + c * dot;
            }
        }
        double logdet = 0;
        for (int j = 0; j < n; j++) {
            double diag = a[j][j];
            for (int k = 0; k < j; k++) {
                diag -= a[j][k] * a[j][k];
            }
            diag = Math.sqrt(diag);
            a[j][j] = diag;
            logdet += 2 * Math.log(diag);
            for (int i = j + 1; i < n; i++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= a[i][k] * a[j][k];
                }
                a[i][j] = s / diag;
            }
        }
        return Math.exp(-0.5 * logdet);
    }

    private static void check(AntiCollapseLoss.Mode mode, int batch, int dim, int classes, long seed) {
        Random random = new Random(seed);
        double[] z = new double[batch * dim];
        double[] w = new double[classes * dim];
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextGaussian();
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % classes;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray zArray = manager.create(toFloat(z), new Shape(batch, dim));
            NDArray wArray = manager.create(toFloat(w), new Shape(classes, dim));
            AntiCollapseLoss loss = AntiCollapseLoss.defaults(mode);
            boolean features = mode == AntiCollapseLoss.Mode.FEATURES;
            SpecFixture.Result r = SpecFixture.valueAndGradients(
                    a -> loss.evaluate(new LossInput(a[0], labels, classes, a[1])), zArray, wArray);
            double[] wrt = features ? z : w;
            int rows = features ? batch : classes;
            double c = features ? dim / (batch * 0.5) : classes / (dim * 0.5);
            assertEquals(reference(wrt, rows, dim, c), r.value(), 1e-5);
            float[] autograd = r.gradients()[features ? 0 : 1];
            double h = 1e-5;
            double maxError = 0;
            double maxGradient = 0;
            for (int i = 0; i < wrt.length; i++) {
                double saved = wrt[i];
                wrt[i] = saved + h;
                double plus = reference(wrt, rows, dim, c);
                wrt[i] = saved - h;
                double minus = reference(wrt, rows, dim, c);
                wrt[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                maxError = Math.max(maxError, Math.abs(numeric - autograd[i]));
                maxGradient = Math.max(maxGradient, Math.abs(numeric));
            }
            assertEquals(0, maxError, 1e-4 * Math.max(maxGradient, 1e-3),
                    mode + " B=" + batch + " d=" + dim + ": max |autograd - finite difference| " + maxError
                            + " (max |gradient| " + maxGradient + ")");
            float[] other = r.gradients()[features ? 1 : 0];
            for (float g : other) {
                assertEquals(0f, g, 0f, "the " + mode + " term must not reach the other input");
            }
        }
    }

    private static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(AntiCollapseLoss.Mode.class)
    void gradientMatchesFiniteDifferencesWhenBatchSmallerThanDim(AntiCollapseLoss.Mode mode) {
        check(mode, 6, 8, 5, 1);
    }

    @ParameterizedTest
    @EnumSource(AntiCollapseLoss.Mode.class)
    void gradientMatchesFiniteDifferencesWhenBatchLargerThanDim(AntiCollapseLoss.Mode mode) {
        check(mode, 12, 4, 6, 2);
    }

    @Test
    void proxiesModeUsesOnlyClassesPresentInTheBatch() {
        // Classes 0 and 2 present out of 4: the absent classes' proxies get no gradient.
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray z = manager.randomNormal(new Shape(4, 3));
            NDArray w = manager.randomNormal(new Shape(4, 3));
            int[] labels = {0, 2, 0, 2};
            SpecFixture.Result r = SpecFixture.valueAndGradients(a -> AntiCollapseLoss.defaults(
                    AntiCollapseLoss.Mode.PROXIES).evaluate(new LossInput(z, labels, 4, a[0])), w);
            float[] g = r.gradients()[0];
            for (int j = 0; j < 3; j++) {
                assertEquals(0f, g[3 + j]);
                assertEquals(0f, g[9 + j]);
            }
        }
    }
}
