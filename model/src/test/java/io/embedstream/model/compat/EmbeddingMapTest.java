package io.embedstream.model.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EmbeddingMapTest {
    private static double[] gaussian(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    /** A random orthogonal d x d matrix by Gram-Schmidt on Gaussian columns (row-major). */
    private static double[] orthogonal(Random r, int d) {
        double[][] cols = new double[d][];
        for (int c = 0; c < d; c++) {
            double[] v = gaussian(r, d);
            for (int p = 0; p < c; p++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += v[i] * cols[p][i];
                }
                for (int i = 0; i < d; i++) {
                    v[i] -= dot * cols[p][i];
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < d; i++) {
                v[i] /= norm;
            }
            cols[c] = v;
        }
        double[] q = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q[i * d + j] = cols[j][i];
            }
        }
        return q;
    }

    private static double[] times(double[] x, int n, int dx, double[] m, int dy) {
        double[] y = new double[n * dy];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dy; j++) {
                double s = 0;
                for (int k = 0; k < dx; k++) {
                    s += x[i * dx + k] * m[k * dy + j];
                }
                y[i * dy + j] = s;
            }
        }
        return y;
    }

    private static double residual(EmbeddingMap map, double[] x, double[] y, int n) {
        double[] fitted = map.apply(x, n);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (fitted[i] - y[i]) * (fitted[i] - y[i]);
        }
        return s;
    }

    @Test
    void procrustesRecoversARotationAndItsScale() {
        Random r = new Random(1);
        int n = 200;
        int d = 16;
        double[] x = gaussian(r, n * d);
        double[] q = orthogonal(r, d);
        double[] scaledQ = q.clone();
        for (int i = 0; i < scaledQ.length; i++) {
            scaledQ[i] *= 2.5;
        }
        double[] y = times(x, n, d, scaledQ, d);
        assertArrayEquals(scaledQ, EmbeddingMap.procrustes(x, d, y, d, n, true).matrix(), 1e-9);
        assertArrayEquals(q, EmbeddingMap.procrustes(x, d, y, d, n, false).matrix(), 1e-9,
                "without scale, the rotation alone");
    }

    @Test
    void leastSquaresRecoversAnyLinearMapBetweenDimensions() {
        Random r = new Random(2);
        int n = 300;
        double[] x = gaussian(r, n * 12);
        double[] a = gaussian(r, 12 * 20);
        double[] y = times(x, n, 12, a, 20);
        EmbeddingMap map = EmbeddingMap.leastSquares(x, 12, y, 20, n, 0);
        assertEquals(12, map.from());
        assertEquals(20, map.to());
        assertArrayEquals(a, map.matrix(), 1e-9);
    }

    @Test
    void onNoisyPairsLeastSquaresFitsBetterAndProcrustesKeepsTheGeometry() {
        Random r = new Random(3);
        int n = 400;
        int d = 8;
        double[] x = gaussian(r, n * d);
        double[] a = gaussian(r, d * d);
        double[] y = times(x, n, d, a, d);
        for (int i = 0; i < y.length; i++) {
            y[i] += 0.1 * r.nextGaussian();
        }
        EmbeddingMap ls = EmbeddingMap.leastSquares(x, d, y, d, n, 0);
        EmbeddingMap pr = EmbeddingMap.procrustes(x, d, y, d, n, true);
        assertTrue(residual(ls, x, y, n) < residual(pr, x, y, n), "least squares minimises the residual over all maps");
        // s R with R orthogonal: M^T M = s^2 I.
        double[] m = pr.matrix();
        double[] mtm = times(transpose(m, d, d), d, d, m, d);
        double s2 = mtm[0];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                assertEquals(i == j ? s2 : 0, mtm[i * d + j], 1e-9);
            }
        }
    }

    @Test
    void mapsComposeAlongAChain() {
        Random r = new Random(4);
        int n = 50;
        double[] x = gaussian(r, n * 6);
        EmbeddingMap first = EmbeddingMap.of(6, 4, gaussian(r, 24));
        EmbeddingMap second = EmbeddingMap.of(4, 9, gaussian(r, 36));
        assertArrayEquals(second.apply(first.apply(x, n), n), first.then(second).apply(x, n), 1e-12);
        assertArrayEquals(x, EmbeddingMap.identity(6).apply(x, n), 0);
    }

    @Test
    void affineLeastSquaresRecoversAShiftThatALinearMapCannot() {
        Random r = new Random(6);
        int n = 300;
        double[] x = gaussian(r, n * 5);
        double[] a = gaussian(r, 5 * 7);
        double[] b = gaussian(r, 7);
        double[] y = times(x, n, 5, a, 7);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 7; j++) {
                y[i * 7 + j] += b[j];
            }
        }
        EmbeddingMap affine = EmbeddingMap.affineLeastSquares(x, 5, y, 7, n, 0);
        assertTrue(affine.affine());
        assertArrayEquals(a, affine.matrix(), 1e-9);
        assertArrayEquals(b, affine.bias(), 1e-9);
        assertTrue(residual(affine, x, y, n) < 1e-9);
        EmbeddingMap linear = EmbeddingMap.leastSquares(x, 5, y, 7, n, 0);
        assertFalse(linear.affine());
        assertTrue(residual(linear, x, y, n) > 0.1 * n, "no linear map carries the shift");
    }

    @Test
    void affineMapsComposeAndRoundTripThroughTheirValues() {
        Random r = new Random(7);
        int n = 20;
        double[] x = gaussian(r, n * 3);
        EmbeddingMap first = EmbeddingMap.of(3, 4, gaussian(r, 12), gaussian(r, 4));
        EmbeddingMap second = EmbeddingMap.of(4, 2, gaussian(r, 8), gaussian(r, 2));
        assertArrayEquals(second.apply(first.apply(x, n), n), first.then(second).apply(x, n), 1e-12);
        EmbeddingMap copy = EmbeddingMap.of(3, 4, first.matrix(), first.bias());
        assertArrayEquals(first.apply(x, n), copy.apply(x, n), 0);
        assertThrows(IllegalArgumentException.class, () -> EmbeddingMap.of(3, 4, first.matrix(), new double[3]));
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingMap.of(3, 4, first.matrix(), new double[] {0, 0, Double.NaN, 0}));
    }

    @Test
    void fewerImagesThanDimensionsNeedARidge() {
        Random r = new Random(5);
        double[] x = gaussian(r, 4 * 10);
        double[] y = gaussian(r, 4 * 10);
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> EmbeddingMap.leastSquares(x, 10, y, 10, 4, 0));
        assertTrue(e.getMessage().contains("ridge"), e.getMessage());
        EmbeddingMap.leastSquares(x, 10, y, 10, 4, 1e-3);
    }

    @Test
    void mismatchedOrNonFiniteInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddingMap.procrustes(new double[6], 3, new double[5], 3, 2, true));
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingMap.procrustes(new double[] {1, Double.NaN}, 1, new double[] {1, 2}, 1, 2, true));
        assertThrows(IllegalArgumentException.class, () -> EmbeddingMap.identity(3).then(EmbeddingMap.identity(4)));
        assertThrows(IllegalArgumentException.class, () -> EmbeddingMap.of(2, 2, new double[3]));
        assertThrows(IllegalArgumentException.class, () -> EmbeddingMap.leastSquares(new double[2], 1, new double[2], 1, 2, -1));
    }

    private static double[] transpose(double[] m, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }

    @Test
    void unitRowsScalesEachRowToLengthOneAndLeavesAZeroRowZero() {
        double[] flat = EmbeddingMap.unitRows(new float[][] {{3, 4}, {0, 0}, {0, -2}}, 2);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0.6, 0.8, 0, 0, 0, -1}, flat, 1e-12);
    }
}
