package io.embedstream.model.metrics;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Dimensional-collapse figures of one window.
 *
 * @param effectiveRank          RankMe effective rank of the mean-centred embeddings: exp of the entropy of
 *                               the singular values normalised to sum 1; between 1 and d, and 0 for a window
 *                               whose embeddings are all identical
 * @param codingRate             R = 1/2 logdet(I + d/(n eps) Z^T Z) of the L2-normalised embeddings Z, nats
 * @param spectrum               the largest covariance eigenvalues, descending (at most spectrumSize)
 * @param varianceFractionTopK   k -> fraction of the total variance in the top-k principal directions;
 *                               empty when the window has no variance
 */
public record CollapseMetrics(double effectiveRank, double codingRate, List<Double> spectrum,
                              Map<Integer, Double> varianceFractionTopK) {

    public CollapseMetrics {
        spectrum = List.copyOf(spectrum);
        varianceFractionTopK = Map.copyOf(varianceFractionTopK);
    }

    /** Largest covariance eigenvalue, or empty if the spectrum is empty. */
    public OptionalDouble topEigenvalue() {
        return spectrum.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(spectrum.get(0));
    }
}
