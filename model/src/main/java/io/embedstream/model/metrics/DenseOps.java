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

    /**
     * X^T X (d x d, full symmetric, row-major) of a row-major n x d matrix. Rows are taken four at a time so
     * that each pass over the d x d accumulator (which lives in L2, not L1) does four rank-1 updates.
     */
    static double[] crossProduct(double[] x, int n, int d) {
        double[] c = new double[d * d];
        int i = 0;
        for (; i + 3 < n; i += 4) {
            int o0 = i * d;
            int o1 = o0 + d;
            int o2 = o1 + d;
            int o3 = o2 + d;
            for (int k = 0; k < d; k++) {
                double a0 = x[o0 + k];
                double a1 = x[o1 + k];
                double a2 = x[o2 + k];
                double a3 = x[o3 + k];
                int ck = k * d;
                for (int j = k; j < d; j++) {
                    c[ck + j] += a0 * x[o0 + j] + a1 * x[o1 + j] + a2 * x[o2 + j] + a3 * x[o3 + j];
                }
            }
        }
        for (; i < n; i++) {
            int off = i * d;
            for (int k = 0; k < d; k++) {
                double a = x[off + k];
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

    /** Squared Euclidean distance; four accumulators break the add dependency chain (about 3x faster). */
    static double squaredDistance(double[] a, int offA, double[] b, int offB, int d) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < d; j += 4) {
            double t0 = a[offA + j] - b[offB + j];
            double t1 = a[offA + j + 1] - b[offB + j + 1];
            double t2 = a[offA + j + 2] - b[offB + j + 2];
            double t3 = a[offA + j + 3] - b[offB + j + 3];
            s0 += t0 * t0;
            s1 += t1 * t1;
            s2 += t2 * t2;
            s3 += t3 * t3;
        }
        for (; j < d; j++) {
            double t = a[offA + j] - b[offB + j];
            s0 += t * t;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Dot product of two length-d slices, with four accumulators like {@link #squaredDistance}. */
    static double dot(double[] a, int offA, double[] b, int offB, int d) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < d; j += 4) {
            s0 += a[offA + j] * b[offB + j];
            s1 += a[offA + j + 1] * b[offB + j + 1];
            s2 += a[offA + j + 2] * b[offB + j + 2];
            s3 += a[offA + j + 3] * b[offB + j + 3];
        }
        for (; j < d; j++) {
            s0 += a[offA + j] * b[offB + j];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
