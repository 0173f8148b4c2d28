package io.embedstream.experiments.compat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * P@1 of queries against an index by cosine nearest neighbour, as {@link io.embedstream.model.eval.KnnEvaluator}
 * scores it, but as matrix products on the DJL engine: the compat experiment scores dozens of carried indexes of up to
 * 7,000 x 10,000 pairs per version, which a scalar loop takes seconds each for.
 */
final class CosineRetrieval implements AutoCloseable {
    private static final int CHUNK = 2048;
    private final NDManager manager = NDManager.newBaseManager();
    private final NDArray queries;
    private final int[] queryLabels;

    CosineRetrieval(float[][] queries, int[] queryLabels) {
        this.queries = normalised(manager, queries);
        this.queryLabels = queryLabels.clone();
    }

    /** The share of the queries whose most similar index row has their label. */
    double precisionAt1(float[][] index, int[] indexLabels) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray g = normalised(scope, index).transpose();
            int n = queryLabels.length;
            int correct = 0;
            for (int s = 0; s < n; s += CHUNK) {
                int e = Math.min(n, s + CHUNK);
                long[] nearest = queries.get(s + ":" + e).matMul(g).argMax(1).toLongArray();
                for (int i = 0; i < nearest.length; i++) {
                    correct += indexLabels[(int) nearest[i]] == queryLabels[s + i] ? 1 : 0;
                }
            }
            return correct / (double) n;
        }
    }

    private static NDArray normalised(NDManager m, float[][] rows) {
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        NDArray a = m.create(flat, new Shape(rows.length, d));
        return a.div(a.norm(new int[] {1}, true).add(1e-12f));
    }

    @Override
    public void close() {
        manager.close();
    }
}
