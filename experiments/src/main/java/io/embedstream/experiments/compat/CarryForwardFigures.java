package io.embedstream.experiments.compat;

/**
 * Retrieval of version k's queries against the first version's index: (a) the old index as it is, (b) the old index
 * carried forward by the chain of maps fitted between consecutive versions (least squares, Procrustes with scale),
 * (c) the index re-embedded with version k. Recovery is the share of the gap (c) - (a) that (b) closes.
 */
public record CarryForwardFigures(int version, long step, double oldIndex, double leastSquares, double procrustes,
                                  double reembedded) {

    /** (b - a) / (c - a) for least squares; NaN when re-embedding gains nothing over the old index. */
    public double leastSquaresRecovery() {
        return recovery(leastSquares);
    }

    /** (b - a) / (c - a) for Procrustes with scale; NaN when re-embedding gains nothing over the old index. */
    public double procrustesRecovery() {
        return recovery(procrustes);
    }

    private double recovery(double mapped) {
        double gap = reembedded - oldIndex;
        return gap > 0 ? (mapped - oldIndex) / gap : Double.NaN;
    }
}
