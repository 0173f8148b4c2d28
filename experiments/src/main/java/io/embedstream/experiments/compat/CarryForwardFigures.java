package io.embedstream.experiments.compat;

/**
 * Retrieval of version k's queries against the first version's index: (a) the old index as it is, (b) the old index
 * carried forward by the chain of maps fitted between consecutive versions (least squares, Procrustes with scale),
 * or by one map fitted directly from the first version to version k, (c) the index re-embedded with version k.
 * Recovery is the share of the gap (c) - (a) that (b) closes.
 */
public record CarryForwardFigures(int version, long step, double oldIndex, double leastSquares, double procrustes,
                                  double directLeastSquares, double directProcrustes, double reembedded) {

    /** (b - a) / (c - a) for a carried index's P@1 b; NaN when re-embedding gains nothing over the old index. */
    public double recovery(double mapped) {
        double gap = reembedded - oldIndex;
        return gap > 0 ? (mapped - oldIndex) / gap : Double.NaN;
    }
}
