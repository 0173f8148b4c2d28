package io.embedstream.model.eval.holdout;

import java.util.List;
import java.util.OptionalDouble;

/**
 * One version's figures on the held-out set: retrieval of the held-out queries among the held-out gallery.
 *
 * @param queries            held-out images used as queries
 * @param gallery            held-out images searched
 * @param classes            classes with at least one query
 * @param nonFiniteRows      images whose embedding had a NaN or infinite value; when above 0 the version has no
 *                           figures (P@1 and MAP@R are NaN): a gate must reject it, not rank it
 * @param precisionAt1       share of queries whose nearest gallery image has their class
 * @param mapAtR             MAP@R over the queries whose class is in the gallery
 * @param byQuality          the same per band of the quality estimate, lowest band first; bands without queries
 *                           are left out
 */
public record HeldOutFigures(int queries, int gallery, int classes, int nonFiniteRows, double precisionAt1,
                             OptionalDouble mapAtR, List<Band> byQuality) {

    /** Figures of the queries whose quality estimate is in {@code [from, to)} (the last band includes 1). */
    public record Band(double from, double to, int queries, double precisionAt1, OptionalDouble mapAtR) {}

    public HeldOutFigures {
        byQuality = List.copyOf(byQuality);
    }

    /** Whether every figure is a number: false for a version that embedded any held-out image as NaN or infinity. */
    public boolean finite() {
        return nonFiniteRows == 0 && Double.isFinite(precisionAt1)
                && (mapAtR.isEmpty() || Double.isFinite(mapAtR.getAsDouble()));
    }
}
