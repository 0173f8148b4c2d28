package io.embedstream.model.metrics;

import java.util.OptionalDouble;

/**
 * Linear CKA (Kornblith et al. 2019): |Y^T X|_F^2 / (|X^T X|_F |Y^T Y|_F) on column-centred X (n x dx) and
 * Y (n x dy). Uses the d x d cross products when n >= the dimensions and the n x n Gram matrices
 * otherwise; the two forms are equal since tr(K L) = |Y^T X|_F^2 for K = X X^T, L = Y Y^T.
 */
final class LinearCka {
    private LinearCka() {}

    /** Empty when either matrix has zero variance. */
    static OptionalDouble of(double[] x, int dx, double[] y, int dy, int n) {
        double[] xc = DenseOps.centered(x, n, dx);
        double[] yc = DenseOps.centered(y, n, dy);
        double cross;
        double xx;
        double yy;
        if (n >= Math.max(dx, dy)) {
            cross = frobeniusSq(DenseOps.crossProduct(xc, dx, yc, dy, n));
            xx = Math.sqrt(frobeniusSq(DenseOps.crossProduct(xc, n, dx)));
            yy = Math.sqrt(frobeniusSq(DenseOps.crossProduct(yc, n, dy)));
        } else {
            double[] k = DenseOps.gram(xc, n, dx);
            double[] l = DenseOps.gram(yc, n, dy);
            double kl = 0;
            for (int i = 0; i < k.length; i++) {
                kl += k[i] * l[i];
            }
            cross = kl;
            xx = Math.sqrt(frobeniusSq(k));
            yy = Math.sqrt(frobeniusSq(l));
        }
        if (!(xx > 0) || !(yy > 0)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.min(1.0, cross / (xx * yy)));
    }

    private static double frobeniusSq(double[] m) {
        double s = 0;
        for (double v : m) {
            s += v * v;
        }
        return s;
    }
}
