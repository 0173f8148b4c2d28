package io.embedstream.model.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/** Computes {@link CollapseMetrics} from the finite rows of a window. */
final class CollapseAnalyzer {
    private final MetricsConfig config;

    CollapseAnalyzer(MetricsConfig config) {
        this.config = config;
    }

    /** Requires {@code rows.n >= 2}; the caller reports smaller windows as unavailable. */
    CollapseMetrics analyze(FiniteRows rows, List<String> notes) {
        int n = rows.n;
        int d = rows.d;
        double[] centred = DenseOps.centered(rows.x, n, d);
        double[] cov = DenseOps.crossProduct(centred, n, d);
        for (int i = 0; i < cov.length; i++) {
            cov[i] /= n;
        }
        double[] eigen = DenseOps.symmetricEigenvaluesDescending(cov, d);
        double total = 0;
        for (double v : eigen) {
            total += v;
        }
        List<Double> spectrum = new ArrayList<>();
        for (int i = 0; i < Math.min(config.spectrumSize(), d); i++) {
            spectrum.add(eigen[i]);
        }
        double effectiveRank;
        Map<Integer, Double> fractions = new TreeMap<>();
        if (!(total > 0)) {
            // Every embedding is the same point: the most complete collapse there is. Rank 0 rather than
            // "unavailable" so that a detector sees it.
            effectiveRank = 0.0;
            notes.add("collapse: all embeddings are identical (zero variance); effective rank reported as 0, "
                    + "variance fractions unavailable");
        } else {
            effectiveRank = rankMe(eigen, config.rankMeEpsilon());
            for (int k : config.varianceTopK()) {
                double s = 0;
                for (int i = 0; i < Math.min(k, d); i++) {
                    s += eigen[i];
                }
                fractions.put(k, Math.min(1.0, s / total));
            }
        }
        if (rows.zeroNormRows > 0) {
            notes.add("collapse: " + rows.zeroNormRows + " all-zero embeddings cannot be L2-normalised and "
                    + "contribute nothing to the coding rate");
        }
        double codingRate = codingRate(rows.z, n, d, config.codingRateEpsilon());
        return new CollapseMetrics(effectiveRank, codingRate, spectrum, fractions);
    }

    /**
     * RankMe (Garrido et al. 2023) on covariance eigenvalues: the singular values of the centred data are
     * proportional to their square roots, and the normalisation to sum 1 removes the constant.
     */
    static double rankMe(double[] eigenDescending, double epsilon) {
        double sum = 0;
        double[] s = new double[eigenDescending.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.sqrt(eigenDescending[i]);
            sum += s[i];
        }
        double entropy = 0;
        for (double v : s) {
            double p = v / sum + epsilon;
            entropy -= p * Math.log(p);
        }
        return Math.exp(entropy);
    }

    /**
     * Coding rate via Cholesky of the smaller of the two Gram matrices: by Sylvester's determinant
     * identity logdet(I_d + a Z^T Z) = logdet(I_n + a Z Z^T).
     */
    static double codingRate(double[] z, int n, int d, double epsilon) {
        double a = d / (n * epsilon);
        int m = Math.min(n, d);
        double[] g = d <= n ? DenseOps.crossProduct(z, n, d) : DenseOps.gram(z, n, d);
        for (int i = 0; i < g.length; i++) {
            g[i] *= a;
        }
        for (int i = 0; i < m; i++) {
            g[i * m + i] += 1.0;
        }
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(m, true);
        DMatrixRMaj mat = DMatrixRMaj.wrap(m, m, g);
        if (!chol.decompose(mat)) {
            // I + a G is symmetric positive definite with eigenvalues >= 1; failure means a bug, not data.
            throw new ArithmeticException("Cholesky of I + a Z^T Z failed (m=" + m + ")");
        }
        DMatrixRMaj lower = chol.getT(null);
        double logdet = 0;
        for (int i = 0; i < m; i++) {
            logdet += Math.log(lower.get(i, i));
        }
        return logdet; // 1/2 * (2 * sum log L_ii)
    }
}
