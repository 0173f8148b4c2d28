package io.embedstream.model.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of an evaluation: over all queries ("all"), then per quality bucket present among the queries
 * (clean, mild, strong) and, when there are clean and degraded queries, over all degraded ones ("degraded"),
 * with notes on anything left out.
 */
public record EvaluationReport(SimilarityMetric metric, int references, int dimension, List<SubsetMetrics> subsets,
                               List<String> notes) {

    public static final String ALL = "all";
    public static final String DEGRADED = "degraded";

    public EvaluationReport {
        subsets = List.copyOf(subsets);
        notes = List.copyOf(notes);
        if (subsets.isEmpty() || !subsets.get(0).name().equals(ALL)) {
            throw new IllegalArgumentException("the first subset must be '" + ALL + "'");
        }
    }

    /** The figures over all queries. */
    public SubsetMetrics overall() {
        return subsets.get(0);
    }

    /** The subset of that name ("all", "clean", "mild", "strong", "degraded"), if present. */
    public Optional<SubsetMetrics> subset(String name) {
        return subsets.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Subset name -> figures, in report order. */
    public Map<String, Map<String, Double>> figuresBySubset() {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        subsets.forEach(s -> m.put(s.name(), s.figures()));
        return m;
    }
}
