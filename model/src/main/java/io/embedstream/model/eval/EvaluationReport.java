package io.embedstream.model.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of an evaluation: over all queries, and per quality bucket present among the queries (in the order
 * clean, mild, strong), with notes on anything left out.
 */
public record EvaluationReport(SimilarityMetric metric, int references, int dimension, SubsetMetrics overall,
                               Map<QualityBucket, SubsetMetrics> buckets, List<String> notes) {

    public EvaluationReport {
        buckets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buckets));
        notes = List.copyOf(notes);
    }

    /** "all" first, then each bucket: name -> figures. */
    public Map<String, Map<String, Double>> figuresBySubset() {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        m.put(overall.name(), overall.figures());
        buckets.forEach((b, s) -> m.put(b.label(), s.figures()));
        return m;
    }
}
