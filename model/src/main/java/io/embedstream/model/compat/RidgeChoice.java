package io.embedstream.model.compat;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Chooses the least-squares ridge on the fit images themselves: fits on four rows in five for each candidate ridge
 * and keeps the one whose mapped fifth rows (every fifth, so that rows sorted by class still validate every class)
 * point closest to their targets (mean cosine). Retrieval is by cosine, so that is the error that matters; the fit images are the only images a
 * service has in both spaces.
 */
public final class RidgeChoice {
    /** Candidate ridges, relative to the source's energy per dimension (as {@link EmbeddingMap#leastSquares}). */
    public static final double[] GRID = {1e-6, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1};
    private static final int FOLD = 5;

    private RidgeChoice() {}

    /** The ridge from {@link #GRID} with the best validation cosine; {@code affine} chooses for the affine fit. */
    public static double choose(double[] x, int dx, double[] y, int dy, int n, boolean affine) {
        int validation = n / FOLD;
        int train = n - validation;
        if (validation < 1 || train < 2) {
            throw new IllegalArgumentException("choosing a ridge needs at least " + FOLD + " images, got " + n);
        }
        double[] xt = new double[train * dx];
        double[] yt = new double[train * dy];
        double[] xv = new double[validation * dx];
        double[] yv = new double[validation * dy];
        for (int i = 0, t = 0, v = 0; i < n; i++) {
            if (i % FOLD == FOLD - 1 && v < validation) {
                System.arraycopy(x, i * dx, xv, v * dx, dx);
                System.arraycopy(y, i * dy, yv, v++ * dy, dy);
            } else {
                System.arraycopy(x, i * dx, xt, t * dx, dx);
                System.arraycopy(y, i * dy, yt, t++ * dy, dy);
            }
        }
        double[] mx = affine ? EmbeddingMap.columnMeans(xt, train, dx) : new double[dx];
        double[] my = affine ? EmbeddingMap.columnMeans(yt, train, dy) : new double[dy];
        DMatrixRMaj xm = DMatrixRMaj.wrap(train, dx, EmbeddingMap.centre(xt, train, dx, mx));
        DMatrixRMaj xtx = new DMatrixRMaj(dx, dx);
        CommonOps_DDRM.multTransA(xm, xm, xtx);
        DMatrixRMaj xty = new DMatrixRMaj(dx, dy);
        CommonOps_DDRM.multTransA(xm, DMatrixRMaj.wrap(train, dy, EmbeddingMap.centre(yt, train, dy, my)), xty);
        double[] xvc = EmbeddingMap.centre(xv, validation, dx, mx);
        double best = GRID[0];
        double bestCosine = Double.NEGATIVE_INFINITY;
        for (double ridge : GRID) {
            // The affine fit's mapped rows are (x - mean x) M + mean y, as EmbeddingMap.affineLeastSquares gives them.
            double[] mapped = EmbeddingMap.of(dx, dy, EmbeddingMap.solveRidge(xtx, xty, ridge, train), my)
                    .apply(xvc, validation);
            double cosine = 0;
            for (int i = 0; i < validation; i++) {
                double dot = 0;
                double mm = 0;
                double yy = 0;
                for (int j = 0; j < dy; j++) {
                    double a = mapped[i * dy + j];
                    double t = yv[i * dy + j];
                    dot += a * t;
                    mm += a * a;
                    yy += t * t;
                }
                cosine += mm > 0 && yy > 0 ? dot / Math.sqrt(mm * yy) : 0;
            }
            if (cosine > bestCosine) {
                bestCosine = cosine;
                best = ridge;
            }
        }
        return best;
    }
}
