package io.embedstream.model.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RidgeChoiceTest {
    private static double[] gaussian(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static double[] times(double[] x, int n, int dx, double[] m, int dy) {
        double[] y = new double[n * dy];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dy; j++) {
                for (int k = 0; k < dx; k++) {
                    y[i * dy + j] += x[i * dx + k] * m[k * dy + j];
                }
            }
        }
        return y;
    }

    @Test
    void anExactMapNeedsNoRidgeAndFewNoisyPairsNeedOne() {
        Random r = new Random(11);
        int d = 24;
        double[] a = gaussian(r, d * d);
        int many = 500;
        double[] x = gaussian(r, many * d);
        assertEquals(RidgeChoice.GRID[0], RidgeChoice.choose(x, d, times(x, many, d, a, d), d, many, false),
                "noise-free pairs: the smallest ridge");
        int few = 40; // 32 to fit 24 x 24 values, from targets that are mostly noise
        double[] xf = gaussian(r, few * d);
        double[] yf = times(xf, few, d, a, d);
        for (int i = 0; i < yf.length; i++) {
            yf[i] += 5 * r.nextGaussian();
        }
        double chosen = RidgeChoice.choose(xf, d, yf, d, few, true);
        assertTrue(chosen >= 1e-2, "few noisy pairs: a ridge that keeps the fit from chasing the noise, got " + chosen);
        assertThrows(IllegalArgumentException.class, () -> RidgeChoice.choose(new double[4], 1, new double[4], 1, 4, false));
    }
}
