package io.embedstream.model.eval;

import java.util.SplittableRandom;

/**
 * Lloyd's k-means with k-means++ seeding (Arthur and Vassilvitskii, 2007) from a seeded generator, so that a
 * clustering is reproducible. Several restarts (each with its own seed derived from the base seed); the one with
 * the lowest inertia (sum of squared distances to the assigned centre) wins. An emptied cluster is re-seeded with
 * the point farthest from its centre.
 */
public final class KMeans {
    private final int k;
    private final int restarts;
    private final int maxIterations;
    private final long seed;

    /**
     * @param k             clusters, at least 1
     * @param restarts      independent k-means++ starts, at least 1
     * @param maxIterations Lloyd iterations per start at most (it stops earlier when no assignment changes)
     * @param seed          base seed
     */
    public KMeans(int k, int restarts, int maxIterations, long seed) {
        if (k < 1 || restarts < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("k-means needs k, restarts and iterations >= 1, got " + k + ", "
                    + restarts + ", " + maxIterations);
        }
        this.k = k;
        this.restarts = restarts;
        this.maxIterations = maxIterations;
        this.seed = seed;
    }

    /** The clustering of {@code n} row-major points of dimension {@code d}. */
    public record Clustering(int[] assignment, double inertia, int iterations) {}

    public Clustering cluster(float[] x, int n, int d) {
        if (n < k) {
            throw new IllegalArgumentException("k-means with k=" + k + " needs at least k points, got " + n);
        }
        Clustering best = null;
        for (int r = 0; r < restarts; r++) {
            Clustering c = once(x, n, d, new SplittableRandom(seed + 0x9E3779B97F4A7C15L * r));
            if (best == null || c.inertia() < best.inertia()) {
                best = c;
            }
        }
        return best;
    }

    private Clustering once(float[] x, int n, int d, SplittableRandom rng) {
        double[] centres = seedCentres(x, n, d, rng);
        int[] assignment = new int[n];
        java.util.Arrays.fill(assignment, -1);
        double[] dist = new double[n];
        int iteration = 0;
        while (iteration < maxIterations) {
            iteration++;
            boolean changed = assign(x, n, d, centres, assignment, dist);
            if (!changed && iteration > 1) {
                break;
            }
            update(x, n, d, centres, assignment, dist);
        }
        assign(x, n, d, centres, assignment, dist);
        double inertia = 0;
        for (double v : dist) {
            inertia += v;
        }
        return new Clustering(assignment, inertia, iteration);
    }

    /** k-means++: the first centre uniformly, each next one with probability proportional to D(x)^2. */
    private double[] seedCentres(float[] x, int n, int d, SplittableRandom rng) {
        double[] centres = new double[k * d];
        copyRow(x, rng.nextInt(n), d, centres, 0);
        double[] nearest = new double[n];
        for (int i = 0; i < n; i++) {
            nearest[i] = squaredDistance(x, i * d, centres, 0, d);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double v : nearest) {
                total += v;
            }
            int chosen;
            if (!(total > 0)) {
                chosen = rng.nextInt(n); // every point coincides with a centre already
            } else {
                double target = rng.nextDouble() * total;
                chosen = n - 1;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += nearest[i];
                    if (acc > target) {
                        chosen = i;
                        break;
                    }
                }
            }
            copyRow(x, chosen, d, centres, c * d);
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], squaredDistance(x, i * d, centres, c * d, d));
            }
        }
        return centres;
    }

    private boolean assign(float[] x, int n, int d, double[] centres, int[] assignment, double[] dist) {
        boolean changed = false;
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double s = squaredDistance(x, i * d, centres, c * d, d);
                if (s < bestDist) {
                    bestDist = s;
                    best = c;
                }
            }
            changed |= assignment[i] != best;
            assignment[i] = best;
            dist[i] = bestDist;
        }
        return changed;
    }

    private void update(float[] x, int n, int d, double[] centres, int[] assignment, double[] dist) {
        double[] sums = new double[k * d];
        int[] counts = new int[k];
        for (int i = 0; i < n; i++) {
            int c = assignment[i];
            counts[c]++;
            for (int j = 0; j < d; j++) {
                sums[c * d + j] += x[i * d + j];
            }
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                int far = 0;
                for (int i = 1; i < n; i++) {
                    if (dist[i] > dist[far]) {
                        far = i;
                    }
                }
                copyRow(x, far, d, centres, c * d);
                dist[far] = 0; // do not hand the same point to a second empty cluster
                continue;
            }
            for (int j = 0; j < d; j++) {
                centres[c * d + j] = sums[c * d + j] / counts[c];
            }
        }
    }

    private static void copyRow(float[] x, int row, int d, double[] to, int offset) {
        for (int j = 0; j < d; j++) {
            to[offset + j] = x[row * d + j];
        }
    }

    /** Four accumulators break the add dependency chain (as in the window metrics' DenseOps). */
    private static double squaredDistance(float[] x, int offX, double[] c, int offC, int d) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < d; j += 4) {
            double t0 = x[offX + j] - c[offC + j];
            double t1 = x[offX + j + 1] - c[offC + j + 1];
            double t2 = x[offX + j + 2] - c[offC + j + 2];
            double t3 = x[offX + j + 3] - c[offC + j + 3];
            s0 += t0 * t0;
            s1 += t1 * t1;
            s2 += t2 * t2;
            s3 += t3 * t3;
        }
        for (; j < d; j++) {
            double t = x[offX + j] - c[offC + j];
            s0 += t * t;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
