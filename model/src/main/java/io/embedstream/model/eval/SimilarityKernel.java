package io.embedstream.model.eval;

/**
 * Scores of query rows against every reference row, computed block by block: the references are stored
 * transposed in blocks of {@value #BLOCK} columns, so that the inner loop is {@code out[j] += q[k] * ref[k][j]}
 * over a contiguous block, which the JIT vectorises, and a block (d x 256 floats, 128 KiB at d = 128) stays in
 * the cache while a group of queries is scored against it.
 *
 * <p>Score = higher is nearer. Cosine: dot product of L2-normalised rows. Euclidean: {@code 2 q.r - |r|^2},
 * which orders references as {@code -|q - r|^2} does (the query's own norm is the same for every reference).
 */
final class SimilarityKernel {
    static final int BLOCK = 256;

    private final SimilarityMetric metric;
    private final int d;
    private final int n;
    private final float[][] blocks; // block b: d x width(b), row-major (k * width + j)
    private final float[] bias;     // per reference: -|r|^2 for Euclidean, 0 for cosine

    SimilarityKernel(float[] references, int n, int d, SimilarityMetric metric) {
        this.metric = metric;
        this.d = d;
        this.n = n;
        float[] ref = metric == SimilarityMetric.COSINE ? normalizedRows(references, n, d) : references;
        this.bias = new float[n];
        if (metric == SimilarityMetric.EUCLIDEAN) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += (double) ref[j * d + k] * ref[j * d + k];
                }
                bias[j] = (float) -s;
            }
        }
        int count = (n + BLOCK - 1) / BLOCK;
        this.blocks = new float[count][];
        for (int b = 0; b < count; b++) {
            int start = b * BLOCK;
            int width = Math.min(BLOCK, n - start);
            float[] t = new float[d * width];
            for (int j = 0; j < width; j++) {
                int row = (start + j) * d;
                for (int k = 0; k < d; k++) {
                    t[k * width + j] = ref[row + k];
                }
            }
            blocks[b] = t;
        }
    }

    int references() {
        return n;
    }

    /** The query rows as the kernel scores them: normalised for cosine, doubled for Euclidean. */
    float[] prepareQueries(float[] queries, int m) {
        if (metric == SimilarityMetric.COSINE) {
            return normalizedRows(queries, m, d);
        }
        float[] q = new float[queries.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = 2 * queries[i];
        }
        return q;
    }

    /**
     * Scores of prepared query rows {@code [from, to)} against every reference into {@code out}, row
     * {@code i - from} at offset {@code (i - from) * n}.
     */
    void score(float[] prepared, int from, int to, float[] out) {
        for (int i = from; i < to; i++) {
            System.arraycopy(bias, 0, out, (i - from) * n, n);
        }
        for (int b = 0; b < blocks.length; b++) {
            float[] t = blocks[b];
            int start = b * BLOCK;
            int width = Math.min(BLOCK, n - start);
            int i = from;
            // Four queries per pass: each reference value loaded once feeds four accumulating rows.
            for (; i + 3 < to; i += 4) {
                int o0 = (i - from) * n + start;
                int o1 = o0 + n;
                int o2 = o1 + n;
                int o3 = o2 + n;
                int q0 = i * d;
                for (int k = 0; k < d; k++) {
                    float a0 = prepared[q0 + k];
                    float a1 = prepared[q0 + d + k];
                    float a2 = prepared[q0 + 2 * d + k];
                    float a3 = prepared[q0 + 3 * d + k];
                    int base = k * width;
                    for (int j = 0; j < width; j++) {
                        float r = t[base + j];
                        out[o0 + j] += a0 * r;
                        out[o1 + j] += a1 * r;
                        out[o2 + j] += a2 * r;
                        out[o3 + j] += a3 * r;
                    }
                }
            }
            for (; i < to; i++) {
                int o = (i - from) * n + start;
                int qo = i * d;
                for (int k = 0; k < d; k++) {
                    float a = prepared[qo + k];
                    int base = k * width;
                    for (int j = 0; j < width; j++) {
                        out[o + j] += a * t[base + j];
                    }
                }
            }
        }
    }

    /** Rows scaled to unit length; an all-zero row stays zero (it is then equally far from everything). */
    static float[] normalizedRows(float[] x, int rows, int d) {
        float[] out = new float[rows * d];
        for (int i = 0; i < rows; i++) {
            int o = i * d;
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += (double) x[o + k] * x[o + k];
            }
            if (s > 0) {
                float inv = (float) (1 / Math.sqrt(s));
                for (int k = 0; k < d; k++) {
                    out[o + k] = x[o + k] * inv;
                }
            }
        }
        return out;
    }
}
