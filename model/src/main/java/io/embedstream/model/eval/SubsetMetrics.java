package io.embedstream.model.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The evaluation figures of one set of queries (all of them, or one quality bucket). Fractions are in [0, 1].
 *
 * @param name                 "all", a bucket's label (clean, mild, strong) or "degraded" (mild and strong)
 * @param queries              queries in the subset
 * @param precisionAt1         share of queries whose nearest reference has their class (kNN@1)
 * @param rPrecision           mean R-precision over queries with R &ge; 1 (see {@link NeighbourRetrieval})
 * @param mapAtR               MAP@R over queries with R &ge; 1
 * @param queriesWithoutClass  queries whose class has no reference, left out of R-precision and MAP@R
 * @param centroidAccuracy     share of queries whose nearest class centroid (mean reference of a class) is theirs
 * @param nmi                  NMI between the queries' classes and their k-means clusters (one clustering of all
 *                             queries, k = the number of classes among them, restricted to the subset)
 * @param effectiveRank        RankMe effective rank of the subset's embeddings (as in the window metrics); empty
 *                             below two rows
 * @param normQualitySpearman  Spearman correlation of embedding norm and quality score; empty without qualities,
 *                             or when either is constant
 */
public record SubsetMetrics(String name, int queries, double precisionAt1, OptionalDouble rPrecision,
                            OptionalDouble mapAtR, int queriesWithoutClass, double centroidAccuracy, double nmi,
                            OptionalDouble effectiveRank, OptionalDouble normQualitySpearman) {

    /** The figures under stable names (unavailable ones left out), for JSON and tables. */
    public Map<String, Double> figures() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("queries", (double) queries);
        m.put("precision_at_1", precisionAt1);
        rPrecision.ifPresent(v -> m.put("r_precision", v));
        mapAtR.ifPresent(v -> m.put("map_at_r", v));
        m.put("centroid_accuracy", centroidAccuracy);
        m.put("nmi", nmi);
        effectiveRank.ifPresent(v -> m.put("effective_rank", v));
        normQualitySpearman.ifPresent(v -> m.put("norm_quality_spearman", v));
        if (queriesWithoutClass > 0) {
            m.put("queries_without_class", (double) queriesWithoutClass);
        }
        return m;
    }
}
