package io.embedstream.model.metrics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Small dense kernels used on every window. The inner loops are written as "row += scalar * row" so that
 * HotSpot's superword pass vectorises them; a dot-product formulation would serialise on the
 * floating-point reduction.
 */
final class DenseOps {
    private DenseOps() {}

    /** X^T X (d x d, full symmetric, row-major) of a row-major n x d matrix. */
    static double[] crossProduct(double[] x, int n, int d) {
        double[] c = new double[d * d];
        for (int i = 0; i < n; i++) {
            int off = i * d;
            for (int k = 0; k < d; k++) {
                double a = x[off + k];
                if (a == 0) {
                    continue;
                }
                int ck = k * d;
                for (int j = k; j < d; j++) {
                    c[ck + j] += a * x[off + j];
                }
            }
        }
        mirrorUpper(c, d);
        return c;
    }

    /** A^T B (da x db, row-major) for row-major matrices A (n x da) and B (n x db). */
    static double[] crossProduct(double[] a, int da, double[] b, int db, int n) {
        double[] c = new double[da * db];
        for (int i = 0; i < n; i++) {
            int offA = i * da;
            int offB = i * db;
            for (int k = 0; k < da; k++) {
                double v = a[offA + k];
                if (v == 0) {
                    continue;
                }
                int ck = k * db;
                for (int j = 0; j < db; j++) {
                    c[ck + j] += v * b[offB + j];
                }
            }
        }
        return c;
    }

    /** X X^T (n x n, full symmetric) of a row-major n x d matrix. */
    static double[] gram(double[] x, int n, int d) {
        double[] xt = transpose(x, n, d);
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) {
            int gi = i * n;
            int off = i * d;
            for (int k = 0; k < d; k++) {
                double a = x[off + k];
                if (a == 0) {
                    continue;
                }
                int tk = k * n;
                for (int j = i; j < n; j++) {
                    g[gi + j] += a * xt[tk + j];
                }
            }
        }
        mirrorUpper(g, n);
        return g;
    }

    static double[] transpose(double[] x, int n, int d) {
        double[] t = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                t[k * n + i] = x[i * d + k];
            }
        }
        return t;
    }

    static void mirrorUpper(double[] c, int d) {
        for (int k = 0; k < d; k++) {
            for (int j = k + 1; j < d; j++) {
                c[j * d + k] = c[k * d + j];
            }
        }
    }

    /** Column means of a row-major n x d matrix. */
    static double[] columnMeans(double[] x, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            int off = i * d;
            for (int j = 0; j < d; j++) {
                mean[j] += x[off + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        return mean;
    }

    /** A copy of x with the column means subtracted. */
    static double[] centered(double[] x, int n, int d) {
        double[] mean = columnMeans(x, n, d);
        double[] c = new double[n * d];
        for (int i = 0; i < n; i++) {
            int off = i * d;
            for (int j = 0; j < d; j++) {
                c[off + j] = x[off + j] - mean[j];
            }
        }
        return c;
    }

    /**
     * Eigenvalues of a symmetric matrix, sorted descending, with tiny negative round-off clamped to 0
     * (callers only pass positive semi-definite matrices).
     */
    static double[] symmetricEigenvaluesDescending(double[] a, int d) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, true);
        if (!eig.decompose(DMatrixRMaj.wrap(d, d, a.clone()))) {
            throw new ArithmeticException("symmetric eigen-decomposition did not converge (d=" + d + ")");
        }
        double[] values = new double[d];
        for (int i = 0; i < d; i++) {
            values[i] = Math.max(0.0, eig.getEigenvalue(i).getReal());
        }
        java.util.Arrays.sort(values);
        for (int i = 0, j = d - 1; i < j; i++, j--) {
            double t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return values;
    }

    static double squaredDistance(double[] a, int offA, double[] b, int offB, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double t = a[offA + j] - b[offB + j];
            s += t * t;
        }
        return s;
    }
}
