package io.embedstream.connectors.wire.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The latest comparison of two consecutive model versions on the fixed probe set (key {@code version_drift}); a
 * window repeats it until the next version is compared.
 *
 * @param fromVersion the older version
 * @param toVersion   the newer version
 * @param figures     the comparison's figures by name ({@code version.cka}, {@code version.knn_overlap},
 *                    {@code version.centroid_shift}, {@code version.class.<c>.centroid_shift}, ...), in order
 */
public record VersionDriftFigures(long fromVersion, long toVersion, Map<String, Double> figures) {
    /** Linear CKA between the two versions' probe embeddings (1 = the same geometry). */
    public static final String CKA = "version.cka";

    public VersionDriftFigures {
        figures.forEach((name, value) -> MetricsRecord.requireFinite(value, "version_drift." + name));
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    /** A figure by name, absent when the comparison could not compute it. */
    public OptionalDouble figure(String name) {
        Double value = figures.get(name);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
}
