package io.embedstream.model.metrics;

import java.util.OptionalDouble;

/**
 * Class-separation and hypersphere-geometry figures of one window. Each figure is empty when it is
 * undefined for the window (the report's notes say why); the label-based ones need labels with at least
 * two classes present.
 *
 * @param classCount                 number of distinct labels present (0 without labels)
 * @param nc1                        trace(S_W S_B^+) / C, Papyan et al. 2020; near 0 when every class has
 *                                   collapsed onto its mean relative to the spread of the means
 * @param intraInterDistanceRatio    mean Euclidean distance of same-class pairs divided by that of
 *                                   different-class pairs (raw embeddings)
 * @param minCentroidCosineDistance  smallest 1 - cos between two class centroids of the L2-normalised
 *                                   embeddings (the space in which cosine retrieval works)
 * @param alignment                  mean squared distance of L2-normalised same-class pairs (Wang &amp;
 *                                   Isola 2020, alpha = 2); lower is tighter
 * @param uniformity                 log mean exp(-2 ||u - v||^2) over pairs of L2-normalised embeddings
 *                                   (Wang &amp; Isola 2020, t = 2); lower is more uniform, 0 is collapsed to a
 *                                   point; needs no labels
 * @param pairsSampled               true when pair-based figures used a seeded sample of pairs rather
 *                                   than all pairs
 */
public record SeparationMetrics(int classCount, OptionalDouble nc1, OptionalDouble intraInterDistanceRatio,
                                OptionalDouble minCentroidCosineDistance, OptionalDouble alignment,
                                OptionalDouble uniformity, boolean pairsSampled) {}
