package io.embedstream.model.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/** Computes {@link SeparationMetrics}; needs at least two rows. */
final class SeparationAnalyzer {
    /** Eigenvalues of S_B below this fraction of the largest are treated as zero in the pseudo-inverse. */
    private static final double PINV_RELATIVE_TOLERANCE = 1e-10;

    private final MetricsConfig config;

    SeparationAnalyzer(MetricsConfig config) {
        this.config = config;
    }

    SeparationMetrics analyze(FiniteRows rows, List<String> notes) {
        int n = rows.n;
        int d = rows.d;
        double[] z = rows.z;
        double[] unif = new double[2]; // {sum exp(-2 |u-v|^2), count}
        boolean sampled = PairSampler.anyPairs(n, config.maxPairs(), config.seed(), (i, j) -> {
            unif[0] += Math.exp(-2.0 * DenseOps.squaredDistance(z, i * d, z, j * d, d));
            unif[1]++;
        });
        OptionalDouble uniformity = OptionalDouble.of(Math.log(unif[0] / unif[1]));

        if (rows.labels == null) {
            notes.add("separation: window has no labels; only uniformity is computed");
            return new SeparationMetrics(0, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                    OptionalDouble.empty(), uniformity, sampled);
        }
        int[] classes = Arrays.stream(rows.labels).distinct().sorted().toArray();
        int c = classes.length;
        if (c < 2) {
            notes.add("separation: only one class (" + classes[0] + ") present; label-based separation needs >= 2");
            return new SeparationMetrics(c, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                    OptionalDouble.empty(), uniformity, sampled);
        }
        int[] classIndex = new int[n];
        int[] counts = new int[c];
        for (int i = 0; i < n; i++) {
            classIndex[i] = Arrays.binarySearch(classes, rows.labels[i]);
            counts[classIndex[i]]++;
        }
        int[][] members = new int[c][];
        for (int k = 0; k < c; k++) {
            members[k] = new int[counts[k]];
        }
        int[] fill = new int[c];
        for (int i = 0; i < n; i++) {
            members[classIndex[i]][fill[classIndex[i]]++] = i;
        }
        double[] means = classMeans(rows.x, classIndex, counts, n, d);
        OptionalDouble nc1 = nc1(rows.x, classIndex, means, counts, n, d, notes);

        // Same-class pairs: alignment on the sphere and intra-class Euclidean distance share one pass.
        // One dot product per pair gives both distances, through the precomputed norms.
        double[] same = new double[3]; // {sum |x_i - x_j|, sum |z_i - z_j|^2, count}
        double[] x = rows.x;
        double[] norms = rows.norms;
        boolean sampledSame = PairSampler.sameGroupPairs(members, config.maxPairs(), config.seed() + 1, (i, j) -> {
            double dot = DenseOps.dot(x, i * d, x, j * d, d);
            same[0] += Math.sqrt(Math.max(0.0, norms[i] * norms[i] + norms[j] * norms[j] - 2 * dot));
            same[1] += unitSquaredDistance(dot, norms[i], norms[j]);
            same[2]++;
        });
        long sameTotal = 0;
        for (int k = 0; k < c; k++) {
            sameTotal += (long) counts[k] * (counts[k] - 1) / 2;
        }
        long crossTotal = (long) n * (n - 1) / 2 - sameTotal;
        double[] cross = new double[2];
        long crossVisited = PairSampler.differentLabelPairs(classIndex, n, crossTotal, config.maxPairs(), config.seed() + 2,
                (i, j) -> {
                    cross[0] += Math.sqrt(DenseOps.squaredDistance(x, i * d, x, j * d, d));
                    cross[1]++;
                });
        OptionalDouble alignment = OptionalDouble.empty();
        OptionalDouble ratio = OptionalDouble.empty();
        if (same[2] == 0) {
            notes.add("separation: every class has a single sample; alignment and intra/inter ratio unavailable");
        } else {
            alignment = OptionalDouble.of(same[1] / same[2]);
            double inter = cross[1] == 0 ? 0 : cross[0] / cross[1];
            if (inter > 0) {
                ratio = OptionalDouble.of((same[0] / same[2]) / inter);
            } else {
                notes.add("separation: mean inter-class distance is 0; intra/inter ratio unavailable");
            }
        }
        OptionalDouble minCos = minCentroidCosineDistance(z, classIndex, counts, classes, n, d, notes);
        boolean anySampled = sampled || sampledSame || crossVisited >= 0;
        return new SeparationMetrics(c, nc1, ratio, minCos, alignment, uniformity, anySampled);
    }

    /** |z_i - z_j|^2 for the L2-normalised rows, from x_i . x_j and the norms; zero rows stay zero. */
    private static double unitSquaredDistance(double dot, double ni, double nj) {
        if (ni > 0 && nj > 0) {
            return Math.min(4.0, Math.max(0.0, 2.0 - 2.0 * dot / (ni * nj)));
        }
        return (ni > 0 ? 1.0 : 0.0) + (nj > 0 ? 1.0 : 0.0);
    }

    private static double[] classMeans(double[] x, int[] classIndex, int[] counts, int n, int d) {
        int c = counts.length;
        double[] means = new double[c * d];
        for (int i = 0; i < n; i++) {
            int off = classIndex[i] * d;
            int xo = i * d;
            for (int j = 0; j < d; j++) {
                means[off + j] += x[xo + j];
            }
        }
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < d; j++) {
                means[k * d + j] /= counts[k];
            }
        }
        return means;
    }

    /**
     * NC1 = trace(S_W S_B^+) / C without forming either d x d matrix. S_B = M M^T with M the d x C matrix of
     * (mu_c - mu_G) / sqrt(C), so its non-zero eigenpairs come from the C x C matrix M^T M; then
     * trace(S_W S_B^+) = sum_k u_k^T S_W u_k / lambda_k, and u^T S_W u is a mean of squared projections of
     * the within-class residuals. Cost O(n d C) instead of O(n d^2 + d^3).
     */
    private static OptionalDouble nc1(double[] x, int[] classIndex, double[] means, int[] counts, int n, int d,
                                      List<String> notes) {
        int c = counts.length;
        double[] global = DenseOps.columnMeans(x, n, d);
        double[] m = new double[c * d]; // row k = (mu_k - mu_G) / sqrt(C), i.e. M^T
        double scale = 1.0 / Math.sqrt(c);
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < d; j++) {
                m[k * d + j] = (means[k * d + j] - global[j]) * scale;
            }
        }
        double[] small = DenseOps.gram(m, c, d); // M^T M, C x C
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(c, true, true);
        if (!eig.decompose(DMatrixRMaj.wrap(c, c, small.clone()))) {
            notes.add("separation: eigen-decomposition of the between-class scatter did not converge; NC1 unavailable");
            return OptionalDouble.empty();
        }
        double maxEig = 0;
        for (int k = 0; k < c; k++) {
            maxEig = Math.max(maxEig, eig.getEigenvalue(k).getReal());
        }
        if (!(maxEig > 0)) {
            notes.add("separation: all class means coincide (between-class scatter is 0); NC1 unavailable");
            return OptionalDouble.empty();
        }
        double trace = 0;
        double[] u = new double[d];
        for (int k = 0; k < c; k++) {
            double lambda = eig.getEigenvalue(k).getReal();
            if (lambda <= PINV_RELATIVE_TOLERANCE * maxEig) {
                continue;
            }
            DMatrixRMaj v = eig.getEigenVector(k);
            // u = M v / sqrt(lambda) is the unit eigenvector of S_B belonging to lambda.
            Arrays.fill(u, 0);
            for (int q = 0; q < c; q++) {
                double vq = v.get(q, 0);
                for (int j = 0; j < d; j++) {
                    u[j] += m[q * d + j] * vq;
                }
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += u[j] * u[j];
            }
            norm = Math.sqrt(norm);
            double[] meanProj = new double[c];
            for (int q = 0; q < c; q++) {
                meanProj[q] = DenseOps.dot(means, q * d, u, 0, d);
            }
            double within = 0;
            for (int i = 0; i < n; i++) {
                int xo = i * d;
                // (x_i - mu_c) . u, with mu_c . u hoisted out of the loop over samples
                double proj = DenseOps.dot(x, xo, u, 0, d) - meanProj[classIndex[i]];
                within += proj * proj;
            }
            within /= n * norm * norm;
            trace += within / lambda;
        }
        return OptionalDouble.of(trace / c);
    }

    private static OptionalDouble minCentroidCosineDistance(double[] z, int[] classIndex, int[] counts, int[] classes,
                                                           int n, int d, List<String> notes) {
        int c = counts.length;
        double[] centroids = classMeans(z, classIndex, counts, n, d);
        double[] norms = new double[c];
        for (int k = 0; k < c; k++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += centroids[k * d + j] * centroids[k * d + j];
            }
            norms[k] = Math.sqrt(s);
            if (!(norms[k] > 0)) {
                notes.add("separation: centroid of class " + classes[k] + " on the unit sphere is the zero vector; "
                        + "min centroid cosine distance unavailable");
                return OptionalDouble.empty();
            }
        }
        double min = Double.POSITIVE_INFINITY;
        for (int a = 0; a < c; a++) {
            for (int b = a + 1; b < c; b++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += centroids[a * d + j] * centroids[b * d + j];
                }
                min = Math.min(min, 1.0 - dot / (norms[a] * norms[b]));
            }
        }
        return OptionalDouble.of(Math.max(0.0, min));
    }
}
