package io.embedstream.model.compat;

/**
 * Class-aware targets for fitting a map between versions (in the spirit of apple/ml-fct, which trains its
 * transformation with the new model's objective): each image's target is its new embedding pulled towards its
 * class's centroid in the new space, so that the fit is rewarded for landing old embeddings among the new version's
 * class, not for reproducing each image's noise. The fit images are labelled (they are held-out stream images).
 */
public final class ClassTargets {
    private ClassTargets() {}

    /**
     * Rows {@code n x d} (row-major, each L2-normalised) blended with their class centroids: target i is
     * {@code normalise((1 - beta) y_i + beta c_label(i))}, where c is the normalised mean of the class's rows.
     * {@code beta} 0 gives the rows back; 1 gives the centroids alone.
     */
    public static double[] blend(double[] y, int d, int n, int[] labels, double beta) {
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("the class-target weight must be in [0, 1], got " + beta);
        }
        if (labels.length != n || y.length != (long) n * d) {
            throw new IllegalArgumentException(n + " rows of " + d + " need " + n + " labels and " + ((long) n * d)
                    + " values, got " + labels.length + " and " + y.length);
        }
        if (beta == 0) {
            return y.clone();
        }
        // Any int is a class (the gate's held-out set names unindexed class names by negative labels).
        int[] dense = java.util.stream.IntStream.of(labels).distinct().sorted().toArray();
        int[] classOf = new int[n];
        for (int i = 0; i < n; i++) {
            classOf[i] = java.util.Arrays.binarySearch(dense, labels[i]);
        }
        double[] centroids = new double[dense.length * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                centroids[classOf[i] * d + j] += y[i * d + j];
            }
        }
        normaliseRows(centroids, dense.length, d);
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (1 - beta) * y[i * d + j] + beta * centroids[classOf[i] * d + j];
            }
        }
        normaliseRows(out, n, d);
        return out;
    }

    /** Scales each row to unit length in place; a zero row stays zero. */
    static void normaliseRows(double[] rows, int n, int d) {
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += rows[i * d + j] * rows[i * d + j];
            }
            double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
            for (int j = 0; j < d; j++) {
                rows[i * d + j] *= inv;
            }
        }
    }
}
