package io.embedstream.model.metrics;

import io.embedstream.model.metrics.kernel.RbfKernel;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Kernel two-sample test (Gretton et al. 2012) between a reference window and the current window: the
 * unbiased MMD^2 with an RBF kernel whose bandwidth is the median squared distance of the pooled sample,
 * and a permutation p-value so that a user picks a false-alarm rate instead of a threshold on MMD^2.
 *
 * <p>Cost: the pooled kernel matrix is built once, O(N^2 d) for N = m + n pooled rows; each permutation
 * then only re-sums the kernel over a random index split. Because the total and the row sums of the
 * kernel matrix are fixed, a split's three block sums follow from the sum over the reference block alone,
 * and that sum is accumulated over the upper triangle for eight permutations per sweep (vectorised
 * row additions in float). Windows larger than {@link DriftConfig#maxSamplesPerWindow()} are subsampled.
 *
 * <p>Thread-safe: holds only its immutable configuration.
 */
public final class DataDriftTest {
    private static final int BATCH = 8;

    private final DriftConfig config;

    public DataDriftTest(DriftConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public DriftConfig config() {
        return config;
    }

    /**
     * Tests whether {@code current} comes from the same distribution as {@code reference}. Rows with
     * non-finite values are ignored.
     *
     * @throws IllegalArgumentException if the dimensions differ or either window has fewer than two
     *                                  finite rows
     */
    public DataDriftResult test(EmbeddingWindow reference, EmbeddingWindow current) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(current, "current");
        return test(FiniteRows.of(reference), FiniteRows.of(current));
    }

    DataDriftResult test(FiniteRows reference, FiniteRows current) {
        if (reference.d != current.d) {
            throw new IllegalArgumentException("dimension mismatch: reference d=" + reference.d + ", current d=" + current.d);
        }
        if (reference.n < 2 || current.n < 2) {
            throw new IllegalArgumentException("MMD needs >= 2 finite rows per window, got reference "
                    + reference.n + ", current " + current.n);
        }
        int d = reference.d;
        SplittableRandom rng = new SplittableRandom(config.seed());
        int[] refRows = subsample(reference.n, config.maxSamplesPerWindow(), rng);
        int[] curRows = subsample(current.n, config.maxSamplesPerWindow(), rng);
        int m = refRows.length;
        int total = m + curRows.length;
        // The median-heuristic RBF kernel is invariant to a common rescaling of the data, so rescale to
        // max |x| = 1 before going to float: huge but finite embeddings cannot overflow the distances.
        double maxAbs = Math.max(maxAbs(reference.x, refRows, d), maxAbs(current.x, curRows, d));
        double scale = maxAbs > 0 ? 1.0 / maxAbs : 1.0;
        float[] pooled = new float[total * d];
        for (int i = 0; i < m; i++) {
            copyRow(reference.x, refRows[i], scale, pooled, i, d);
        }
        for (int i = 0; i < curRows.length; i++) {
            copyRow(current.x, curRows[i], scale, pooled, m + i, d);
        }
        float[] kernel = RbfKernel.squaredDistances(pooled, RbfKernel.squaredNorms(pooled, total, d), total, d);
        double sigma2 = RbfKernel.medianDistance(kernel, total);
        if (!(sigma2 > 0)) {
            // Every pooled embedding is the same point: the two samples are indistinguishable.
            return new DataDriftResult(0.0, 1.0, 0.0, config.permutations(), m, curRows.length);
        }
        new RbfKernel(scale, sigma2).toKernelInPlace(kernel, total);
        double bandwidth = sigma2 / (scale * scale); // back in the units of the embeddings
        return permutationTest(kernel, total, m, bandwidth, rng);
    }

    private DataDriftResult permutationTest(float[] kernel, int total, int m, double sigma2, SplittableRandom rng) {
        double[] rowSums = new double[total];
        double grand = 0;
        for (int i = 0; i < total; i++) {
            double s = 0;
            int off = i * total;
            for (int j = 0; j < total; j++) {
                s += kernel[off + j];
            }
            rowSums[i] = s;
            grand += s;
        }
        int perms = config.permutations();
        // Split 0 is the observed one (reference = first m rows); splits 1..perms are random.
        double[] stats = new double[perms + 1];
        int[] index = new int[total];
        for (int i = 0; i < total; i++) {
            index[i] = i;
        }
        int[] mask = new int[total];
        double[] selfSums = new double[BATCH];
        double[] rowSumOfSplit = new double[BATCH];
        float[][] acc = new float[BATCH][total];
        for (int start = 0; start <= perms; start += BATCH) {
            int batch = Math.min(BATCH, perms + 1 - start);
            java.util.Arrays.fill(mask, 0);
            java.util.Arrays.fill(rowSumOfSplit, 0);
            for (int b = 0; b < batch; b++) {
                if (start + b > 0) {
                    // Partial Fisher-Yates: the first m entries of index become a uniform random m-subset.
                    for (int i = 0; i < m; i++) {
                        int j = i + rng.nextInt(total - i);
                        int t = index[i];
                        index[i] = index[j];
                        index[j] = t;
                    }
                    for (int i = 0; i < m; i++) {
                        mask[index[i]] |= 1 << b;
                        rowSumOfSplit[b] += rowSums[index[i]];
                    }
                } else {
                    for (int i = 0; i < m; i++) {
                        mask[i] |= 1;
                        rowSumOfSplit[0] += rowSums[i];
                    }
                }
            }
            blockSelfSums(kernel, total, mask, batch, acc, selfSums);
            for (int b = 0; b < batch; b++) {
                stats[start + b] = unbiasedMmd2(selfSums[b], rowSumOfSplit[b], grand, m, total - m);
            }
        }
        double observed = stats[0];
        int atLeast = 0;
        for (int p = 1; p <= perms; p++) {
            if (stats[p] >= observed) {
                atLeast++;
            }
        }
        double pValue = (1.0 + atLeast) / (1.0 + perms);
        return new DataDriftResult(observed, pValue, sigma2, perms, m, total - m);
    }

    /**
     * For each split b, the sum of the kernel over (X_b x X_b), where row i is in X_b when bit b of mask[i]
     * is set. Uses symmetry and the unit diagonal: S = |X_b| + 2 * (sum over i &lt; j, both in X_b), and
     * sweeps the upper triangle once per batch, adding each row to the accumulators of the splits that
     * contain it while the row is hot in cache.
     */
    private static void blockSelfSums(float[] kernel, int total, int[] mask, int batch, float[][] acc, double[] out) {
        for (int b = 0; b < batch; b++) {
            java.util.Arrays.fill(acc[b], 0f);
        }
        for (int i = 0; i < total; i++) {
            int bits = mask[i];
            if (bits == 0) {
                continue;
            }
            int off = i * total;
            for (int b = 0; b < batch; b++) {
                if ((bits & (1 << b)) != 0) {
                    float[] a = acc[b];
                    for (int j = i + 1; j < total; j++) {
                        a[j] += kernel[off + j];
                    }
                }
            }
        }
        for (int b = 0; b < batch; b++) {
            double s = 0;
            int members = 0;
            float[] a = acc[b];
            for (int j = 0; j < total; j++) {
                if ((mask[j] & (1 << b)) != 0) {
                    s += a[j];
                    members++;
                }
            }
            out[b] = members + 2 * s;
        }
    }

    /**
     * Unbiased MMD^2 from block sums: with S_XX the sum over X x X (diagonal included, k(x, x) = 1),
     * S_XY = sum of X's row sums - S_XX and S_YY = grand - 2 S_XY - S_XX.
     */
    static double unbiasedMmd2(double sXX, double rowSumX, double grand, int m, int n) {
        double sXY = rowSumX - sXX;
        double sYY = grand - 2 * sXY - sXX;
        return (sXX - m) / ((double) m * (m - 1)) + (sYY - n) / ((double) n * (n - 1)) - 2 * sXY / ((double) m * n);
    }

    private static int[] subsample(int n, int cap, SplittableRandom rng) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (n <= cap) {
            return idx;
        }
        for (int i = 0; i < cap; i++) {
            int j = i + rng.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] chosen = java.util.Arrays.copyOf(idx, cap);
        java.util.Arrays.sort(chosen); // keep stream order; irrelevant to the statistic, nicer to debug
        return chosen;
    }

    private static double maxAbs(double[] x, int[] rows, int d) {
        double max = 0;
        for (int r : rows) {
            for (int j = r * d; j < (r + 1) * d; j++) {
                max = Math.max(max, Math.abs(x[j]));
            }
        }
        return max;
    }

    private static void copyRow(double[] src, int row, double scale, float[] dst, int dstRow, int d) {
        int s = row * d;
        int t = dstRow * d;
        for (int j = 0; j < d; j++) {
            dst[t + j] = (float) (src[s + j] * scale);
        }
    }
}
