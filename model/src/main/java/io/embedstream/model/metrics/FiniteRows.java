package io.embedstream.model.metrics;

/**
 * The rows of a window that contain only finite values, widened to double for numerically stable
 * accumulation. Rows with NaN or infinity are dropped rather than allowed to poison every metric;
 * {@link #dropped()} says how many, and the facade reports it.
 */
final class FiniteRows {
    final double[] x;      // row-major, n * d
    final int n;
    final int d;
    final int[] labels;    // null when the window has none
    final float[] qualities; // null when the window has none
    final int dropped;
    final double[] norms;  // L2 norm per row
    final double[] z;      // rows scaled to unit length; all-zero rows stay zero
    final int zeroNormRows;

    private FiniteRows(double[] x, int n, int d, int[] labels, float[] qualities, int dropped) {
        this.x = x;
        this.norms = new double[n];
        this.z = new double[n * d];
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            int off = i * d;
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += x[off + j] * x[off + j];
            }
            double norm = Math.sqrt(s);
            norms[i] = norm;
            if (norm > 0) {
                double inv = 1.0 / norm;
                for (int j = 0; j < d; j++) {
                    z[off + j] = x[off + j] * inv;
                }
            } else {
                zeros++;
            }
        }
        this.zeroNormRows = zeros;
        this.n = n;
        this.d = d;
        this.labels = labels;
        this.qualities = qualities;
        this.dropped = dropped;
    }

    static FiniteRows of(EmbeddingWindow w) {
        int n = w.n();
        int d = w.d();
        float[] src = w.rawData();
        boolean[] keep = new boolean[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            boolean finite = true;
            int off = i * d;
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(src[off + j])) {
                    finite = false;
                    break;
                }
            }
            keep[i] = finite;
            if (finite) {
                kept++;
            }
        }
        double[] x = new double[kept * d];
        int[] srcLabels = w.rawLabels();
        float[] srcQualities = w.rawQualities();
        int[] labels = srcLabels == null ? null : new int[kept];
        float[] qualities = srcQualities == null ? null : new float[kept];
        int r = 0;
        for (int i = 0; i < n; i++) {
            if (!keep[i]) {
                continue;
            }
            int from = i * d;
            int to = r * d;
            for (int j = 0; j < d; j++) {
                x[to + j] = src[from + j];
            }
            if (labels != null) {
                labels[r] = srcLabels[i];
            }
            if (qualities != null) {
                qualities[r] = srcQualities[i];
            }
            r++;
        }
        return new FiniteRows(x, kept, d, labels, qualities, n - kept);
    }

    int dropped() {
        return dropped;
    }
}
