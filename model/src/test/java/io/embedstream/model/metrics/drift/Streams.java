package io.embedstream.model.metrics.drift;

import io.embedstream.model.random.Rng;

/** Seeded synthetic embedding streams for the drift tests. */
final class Streams {
    private Streams() {}

    /** n x d standard normal rows. */
    static float[][] gaussian(Rng rng, int n, int d) {
        float[][] x = new float[n][d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) rng.nextGaussian();
            }
        }
        return x;
    }

    /** Adds {@code shift} to the first {@code dims} coordinates of every row, in place. */
    static float[][] shift(float[][] x, int dims, float shift) {
        for (float[] row : x) {
            for (int j = 0; j < dims; j++) {
                row[j] += shift;
            }
        }
        return x;
    }

    /**
     * Class-clustered embeddings: row i has label labels[i] and is N(mu_c, I) with mu_c = sep * e_c
     * (class c's mean on axis c), so classes are distinguishable and a change of class mix moves the
     * marginal distribution.
     */
    static float[][] clustered(Rng rng, int[] labels, int d, float sep) {
        float[][] x = gaussian(rng, labels.length, d);
        for (int i = 0; i < labels.length; i++) {
            x[i][labels[i] % d] += sep;
        }
        return x;
    }

    /** n labels drawn from the class proportions p. */
    static int[] labels(Rng rng, int n, double[] p) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            int c = 0;
            double acc = p[0];
            while (u >= acc && c < p.length - 1) {
                acc += p[++c];
            }
            y[i] = c;
        }
        return y;
    }

    static double[] uniform(int classes) {
        double[] p = new double[classes];
        java.util.Arrays.fill(p, 1.0 / classes);
        return p;
    }
}
