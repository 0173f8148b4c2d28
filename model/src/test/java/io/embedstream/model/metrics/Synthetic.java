package io.embedstream.model.metrics;

import java.util.Random;

/** Seeded synthetic embedding windows for the tests. */
final class Synthetic {
    private Synthetic() {}

    /** n x d standard normal rows. */
    static float[] gaussian(Random rng, int n, int d) {
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /** n rows lying in a random k-dimensional subspace of R^d, with an offset mean. */
    static float[] rankK(Random rng, int n, int d, int k) {
        double[] basis = new double[k * d];
        for (int i = 0; i < basis.length; i++) {
            basis[i] = rng.nextGaussian();
        }
        double[] offset = new double[d];
        for (int j = 0; j < d; j++) {
            offset[j] = 3 * rng.nextGaussian();
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < k; a++) {
                double c = rng.nextGaussian();
                for (int j = 0; j < d; j++) {
                    x[i * d + j] += (float) (c * basis[a * d + j] / Math.sqrt(d));
                }
            }
            for (int j = 0; j < d; j++) {
                x[i * d + j] += (float) offset[j];
            }
        }
        return x;
    }

    /** Balanced labels 0..c-1 in round-robin order. */
    static int[] roundRobinLabels(int n, int c) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % c;
        }
        return y;
    }

    /** Adds {@code shift} to the first {@code dims} coordinates of every row. */
    static float[] shifted(float[] x, int n, int d, int dims, float shift) {
        float[] y = x.clone();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dims; j++) {
                y[i * d + j] += shift;
            }
        }
        return y;
    }
}
