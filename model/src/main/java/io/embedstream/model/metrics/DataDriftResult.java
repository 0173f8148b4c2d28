package io.embedstream.model.metrics;

/**
 * Outcome of the MMD two-sample test between a reference window and the current window.
 *
 * @param mmd2            unbiased estimate of MMD^2 with the RBF kernel (may be slightly negative under
 *                        no drift)
 * @param pValue          permutation p-value, (1 + #{permuted MMD^2 >= observed}) / (1 + permutations);
 *                        drift is declared at false-alarm rate alpha when pValue <= alpha
 * @param bandwidth       kernel bandwidth sigma^2: k(x, y) = exp(-|x - y|^2 / (2 sigma^2)), set to the median
 *                        squared distance of the pooled sample (median heuristic)
 * @param permutations    number of permutations used
 * @param referenceSize   rows of the reference window used (after dropping non-finite rows and subsampling)
 * @param currentSize     rows of the current window used
 */
public record DataDriftResult(double mmd2, double pValue, double bandwidth, int permutations, int referenceSize,
                              int currentSize) {

    /** True when the test rejects "same distribution" at false-alarm rate {@code alpha}. */
    public boolean driftDetected(double alpha) {
        return pValue <= alpha;
    }
}
