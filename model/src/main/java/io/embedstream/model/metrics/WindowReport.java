package io.embedstream.model.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * All metrics of one window. A section is empty when it could not be computed; {@link #notes()} then says
 * why, as it does for individual figures that are unavailable. Nothing in a report is NaN.
 *
 * @param windowSize   rows in the window as received
 * @param dimension    embedding dimension
 * @param droppedRows  rows ignored because they contained NaN or infinity
 * @param collapse     dimensional-collapse figures (needs >= 2 finite rows)
 * @param norms        feature-norm figures (needs >= 1 finite row)
 * @param separation   class separation and hypersphere figures (needs >= 2 finite rows)
 * @param drift        MMD test against a reference window, when one was given
 * @param notes        human-readable reasons for everything unavailable or adjusted
 */
public record WindowReport(int windowSize, int dimension, int droppedRows, Optional<CollapseMetrics> collapse,
                           Optional<NormMetrics> norms, Optional<SeparationMetrics> separation,
                           Optional<DataDriftResult> drift, List<String> notes) {

    public WindowReport {
        notes = List.copyOf(notes);
    }

    /**
     * The figures under stable dotted names, for JSON and gauges. Unavailable figures are absent (never
     * NaN). Names:
     * <ul>
     *   <li>{@code window.size}, {@code window.dimension}, {@code window.dropped_rows}</li>
     *   <li>{@code collapse.effective_rank}, {@code collapse.coding_rate}, {@code collapse.spectrum.<i>}
     *       (i = 0 is the largest), {@code collapse.variance_top<k>}</li>
     *   <li>{@code norms.mean}, {@code norms.std}, {@code norms.quality_spearman},
     *       {@code norms.class.<label>.mean|std|count}</li>
     *   <li>{@code separation.class_count}, {@code separation.nc1}, {@code separation.intra_inter_ratio},
     *       {@code separation.min_centroid_cosine_distance}, {@code separation.alignment},
     *       {@code separation.uniformity}</li>
     *   <li>{@code drift.mmd2}, {@code drift.p_value}, {@code drift.bandwidth}</li>
     * </ul>
     */
    public Map<String, Double> toFlatMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        put(m, "window.size", windowSize);
        put(m, "window.dimension", dimension);
        put(m, "window.dropped_rows", droppedRows);
        collapse.ifPresent(c -> {
            put(m, "collapse.effective_rank", c.effectiveRank());
            put(m, "collapse.coding_rate", c.codingRate());
            for (int i = 0; i < c.spectrum().size(); i++) {
                put(m, "collapse.spectrum." + i, c.spectrum().get(i));
            }
            new TreeMap<>(c.varianceFractionTopK()).forEach((k, v) -> put(m, "collapse.variance_top" + k, v));
        });
        norms.ifPresent(nm -> {
            put(m, "norms.mean", nm.mean());
            put(m, "norms.std", nm.std());
            put(m, "norms.quality_spearman", nm.normQualitySpearman());
            new TreeMap<>(nm.perClass()).forEach((label, cn) -> {
                put(m, "norms.class." + label + ".mean", cn.mean());
                put(m, "norms.class." + label + ".std", cn.std());
                put(m, "norms.class." + label + ".count", cn.count());
            });
        });
        separation.ifPresent(s -> {
            put(m, "separation.class_count", s.classCount());
            put(m, "separation.nc1", s.nc1());
            put(m, "separation.intra_inter_ratio", s.intraInterDistanceRatio());
            put(m, "separation.min_centroid_cosine_distance", s.minCentroidCosineDistance());
            put(m, "separation.alignment", s.alignment());
            put(m, "separation.uniformity", s.uniformity());
        });
        drift.ifPresent(dr -> {
            put(m, "drift.mmd2", dr.mmd2());
            put(m, "drift.p_value", dr.pValue());
            put(m, "drift.bandwidth", dr.bandwidth());
        });
        return Collections.unmodifiableMap(m);
    }

    private static void put(Map<String, Double> m, String name, OptionalDouble v) {
        if (v.isPresent()) {
            put(m, name, v.getAsDouble());
        }
    }

    private static void put(Map<String, Double> m, String name, double v) {
        // The analyzers never produce non-finite figures; this guard keeps the no-NaN promise even so.
        if (Double.isFinite(v)) {
            m.put(name, v);
        }
    }
}
