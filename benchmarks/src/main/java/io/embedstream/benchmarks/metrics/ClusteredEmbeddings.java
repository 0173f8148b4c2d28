package io.embedstream.benchmarks.metrics;

import java.util.Random;

/**
 * The metrics benchmarks' embeddings: Gaussian clusters, class c with its mean at 2 e_c and unit noise, labels
 * round-robin, so every benchmark measures the same well-separated classes.
 */
final class ClusteredEmbeddings {
    static final int N = 1024;
    static final int D = 128;
    static final int CLASSES = 10;

    private ClusteredEmbeddings() {}

    /** {@code n} rows of dimension {@link #D}; their labels are written to {@code labelsOut}. */
    static float[][] rows(Random rng, int n, int[] labelsOut) {
        float[][] x = new float[n][D];
        for (int i = 0; i < n; i++) {
            labelsOut[i] = i % CLASSES;
            for (int j = 0; j < D; j++) {
                x[i][j] = (float) rng.nextGaussian();
            }
            x[i][labelsOut[i]] += 2f;
        }
        return x;
    }

    /** Qualities uniform in [0, 1). */
    static float[] qualities(Random rng, int n) {
        float[] q = new float[n];
        for (int i = 0; i < n; i++) {
            q[i] = rng.nextFloat();
        }
        return q;
    }
}
