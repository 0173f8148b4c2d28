package io.embedstream.model.metrics.kernel;

/**
 * The RBF kernel k(x, y) = exp(-|x - y|^2 / (2 sigma^2)) of the MMD tests ({@code DataDriftTest} and the ERT
 * detectors), in "working units": embeddings multiplied by a fixed scale (1 over the largest absolute value
 * of the sample it was fitted on) and held in floats, so that squared distances of finite embeddings cannot
 * overflow for any row resembling that sample. Distances come from |x|^2 + |y|^2 - 2 x.y with dot products
 * in 4 x 4 register tiles; every dot product, including a row's squared norm, is accumulated in the same
 * order, so identical rows are at distance exactly 0 and a kernel value depends only on the two rows, never
 * on where they sit in a tile. A distance that overflows (a wildly drifted row) gives a kernel value of 0.
 *
 * <p>Immutable; the static helpers hold no state.
 */
public final class RbfKernel {
    private static final int MEDIAN_SAMPLE = 50_000;

    private final double scale;
    /** 1 / (2 sigma^2) in working units. */
    private final double gamma;

    /**
     * @param scale          working units = embedding x scale
     * @param workingSigma2  sigma^2 in working units
     */
    public RbfKernel(double scale, double workingSigma2) {
        this.scale = scale;
        this.gamma = 1.0 / (2.0 * workingSigma2);
    }

    /** Working units = embedding x scale. */
    public double scale() {
        return scale;
    }

    /** sigma^2 in working units, as 1 / (2 gamma). */
    public double workingSigma2() {
        return 1.0 / (2.0 * gamma);
    }

    /** sigma^2 in the units of the embeddings. */
    public double bandwidth() {
        return 1.0 / (2.0 * gamma * scale * scale);
    }

    /** 1 / max |x| over the sample, or 1 when it is all zeros. */
    public static double scaleOf(float[] x) {
        float max = 0f;
        for (float v : x) {
            max = Math.max(max, Math.abs(v));
        }
        return max > 0 ? 1.0 / max : 1.0;
    }

    /** The squared norm of each of the n rows of x (row-major), summed in the order the dot products use. */
    public static float[] squaredNorms(float[] x, int n, int d) {
        float[] sq = new float[n];
        for (int i = 0; i < n; i++) {
            float s = 0f;
            int off = i * d;
            for (int k = 0; k < d; k++) {
                s += x[off + k] * x[off + k];
            }
            sq[i] = s;
        }
        return sq;
    }

    double k(float squaredDistance) {
        return squaredDistance < Float.POSITIVE_INFINITY ? exp(-gamma * squaredDistance) : 0.0;
    }

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2 = 0.6931471805599453;

    /**
     * e^x for x &lt;= 0 in plain arithmetic: x = (r + f) ln 2 with r an integer and |f| &lt;= 1/2, then a
     * degree-7 Taylor polynomial for e^(f ln 2) scaled by 2^r. Its relative error on (-700, 0] is below 1e-8
     * (the polynomial's truncation, at most about 7e-9; RbfKernelTest checks it against StrictMath.exp), far under
     * the float precision the kernel values are kept in. Written out rather than calling Math.exp, which the JIT
     * may replace with an intrinsic whose last bits depend on the CPU, so that it is bit-for-bit the same on every
     * machine and a detector restored on another one continues exactly. Returns 0 for x &lt;= -700 (e^-700 is
     * below 1e-303) and NaN for NaN.
     */
    static double exp(double x) {
        if (!(x > -700)) {
            return x != x ? Double.NaN : 0.0;
        }
        double t = x * LOG2E;
        double r = Math.rint(t);
        double f = (t - r) * LN2;
        double p = 1 + f * (1 + f * (0.5 + f * (1.0 / 6 + f * (1.0 / 24 + f * (1.0 / 120 + f * (1.0 / 720
                + f * (1.0 / 5040)))))));
        return p * Double.longBitsToDouble(((long) r + 1023) << 52);
    }

    private static float distance(float aSq, float bSq, float dot) {
        float v = aSq + bSq - 2f * dot;
        return v > 0f ? v : (v == v ? 0f : Float.POSITIVE_INFINITY);
    }

    /**
     * Full symmetric n x n matrix of squared distances between the rows of x (row-major, working units).
     * The diagonal is 0.
     */
    public static float[] squaredDistances(float[] x, float[] sq, int n, int d) {
        float[] g = new float[n * n];
        float[] tile = new float[16];
        int tiled = n & ~3;
        for (int i = 0; i < tiled; i += 4) {
            for (int j = i; j < tiled; j += 4) {
                dotTile(x, i, x, j, d, tile);
                for (int r = 0; r < 4; r++) {
                    for (int c = 0; c < 4; c++) {
                        g[(i + r) * n + j + c] = tile[r * 4 + c];
                    }
                }
            }
        }
        for (int i = tiled; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float s = dot(x, i, x, j, d);
                g[i * n + j] = s;
                g[j * n + i] = s;
            }
        }
        for (int i = 0; i < n; i++) {
            int off = i * n;
            g[off + i] = 0f;
            for (int j = i + 1; j < n; j++) {
                float v = distance(sq[i], sq[j], g[off + j]);
                g[off + j] = v;
                g[j * n + i] = v;
            }
        }
        return g;
    }

    /**
     * Median of the off-diagonal entries of a symmetric distance matrix, from an evenly strided sample of at
     * most {@value #MEDIAN_SAMPLE} pairs of the upper triangle (the heuristic needs a scale, not an exact order
     * statistic). Falls back to the mean positive distance when the median is 0; returns 0 when every row is
     * the same point.
     */
    public static double medianDistance(float[] dist, int n) {
        long pairs = (long) n * (n - 1) / 2;
        if (pairs == 0) {
            return 0;
        }
        long stride = Math.max(1, pairs / MEDIAN_SAMPLE);
        float[] sample = new float[(int) ((pairs + stride - 1) / stride)];
        int p = 0;
        long index = 0;
        long next = 0;
        for (int i = 0; i < n && p < sample.length; i++) {
            long rowEnd = index + (n - i - 1);
            while (next < rowEnd && p < sample.length) {
                int j = (int) (i + 1 + (next - index));
                sample[p++] = dist[i * n + j];
                next += stride;
            }
            index = rowEnd;
        }
        if (p < sample.length) {
            sample = java.util.Arrays.copyOf(sample, p);
        }
        double median = Quickselect.select(sample, (p - 1) / 2);
        if (median > 0) {
            return median;
        }
        double s = 0;
        long c = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (dist[i * n + j] > 0) {
                    s += dist[i * n + j];
                    c++;
                }
            }
        }
        return c == 0 ? 0 : s / c;
    }

    /** Turns a squared-distance matrix into the kernel matrix, in place; the diagonal becomes 1. */
    public void toKernelInPlace(float[] dist, int n) {
        for (int i = 0; i < n; i++) {
            dist[i * n + i] = 1f;
            for (int j = i + 1; j < n; j++) {
                float v = (float) k(dist[i * n + j]);
                dist[i * n + j] = v;
                dist[j * n + i] = v;
            }
        }
    }

    /**
     * The sum of k(a_i, b_j) over the {@code na} rows of a and the {@code nb} rows of b, accumulated per row of a
     * and then over rows of a in a fixed order. Both row-major, working units, with their squared norms.
     */
    public double crossSum(float[] a, float[] aSq, int na, float[] b, float[] bSq, int nb, int d) {
        float[] tile = new float[16];
        int ta = na & ~3;
        int tb = nb & ~3;
        double total = 0;
        for (int i = 0; i < ta; i += 4) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int j = 0; j < tb; j += 4) {
                dotTile(a, i, b, j, d, tile);
                for (int c = 0; c < 4; c++) {
                    float bs = bSq[j + c];
                    s0 += k(distance(aSq[i], bs, tile[c]));
                    s1 += k(distance(aSq[i + 1], bs, tile[4 + c]));
                    s2 += k(distance(aSq[i + 2], bs, tile[8 + c]));
                    s3 += k(distance(aSq[i + 3], bs, tile[12 + c]));
                }
            }
            for (int j = tb; j < nb; j++) {
                s0 += k(distance(aSq[i], bSq[j], dot(a, i, b, j, d)));
                s1 += k(distance(aSq[i + 1], bSq[j], dot(a, i + 1, b, j, d)));
                s2 += k(distance(aSq[i + 2], bSq[j], dot(a, i + 2, b, j, d)));
                s3 += k(distance(aSq[i + 3], bSq[j], dot(a, i + 3, b, j, d)));
            }
            total += (s0 + s1) + (s2 + s3);
        }
        for (int i = ta; i < na; i++) {
            double s = 0;
            for (int j = 0; j < nb; j++) {
                s += k(distance(aSq[i], bSq[j], dot(a, i, b, j, d)));
            }
            total += s;
        }
        return total;
    }

    /**
     * Sum of k over the ordered pairs (i, j), i != j, of the rows of one block, leaving out pairs drawn from
     * the same source row ({@code source[i] == source[j]}: a row sampled twice).
     */
    public double withinSum(float[] a, float[] aSq, int na, int d, int[] source) {
        double s = 0;
        for (int i = 0; i < na; i++) {
            for (int j = i + 1; j < na; j++) {
                if (source[i] != source[j]) {
                    s += k(distance(aSq[i], aSq[j], dot(a, i, a, j, d)));
                }
            }
        }
        return 2 * s;
    }

    /** Dot product of row i of a with row j of b, accumulated in index order (as the tiles do). */
    private static float dot(float[] a, int i, float[] b, int j, int d) {
        float s = 0f;
        int oa = i * d;
        int ob = j * d;
        for (int k = 0; k < d; k++) {
            s += a[oa + k] * b[ob + k];
        }
        return s;
    }

    /** Dot products of rows i..i+3 of a with rows j..j+3 of b into tile (row-major 4 x 4). */
    private static void dotTile(float[] a, int i, float[] b, int j, int d, float[] tile) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        int a0 = i * d;
        int a1 = a0 + d;
        int a2 = a1 + d;
        int a3 = a2 + d;
        int b0 = j * d;
        int b1 = b0 + d;
        int b2 = b1 + d;
        int b3 = b2 + d;
        for (int k = 0; k < d; k++) {
            float x0 = a[a0 + k];
            float x1 = a[a1 + k];
            float x2 = a[a2 + k];
            float x3 = a[a3 + k];
            float y0 = b[b0 + k];
            float y1 = b[b1 + k];
            float y2 = b[b2 + k];
            float y3 = b[b3 + k];
            c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
            c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
            c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
            c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        }
        tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
        tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
        tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
        tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
    }
}
