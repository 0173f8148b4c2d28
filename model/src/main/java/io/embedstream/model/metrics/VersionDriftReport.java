package io.embedstream.model.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * How much the representation of a fixed probe set changed between two model versions (row i of both
 * windows is the same image). Figures are empty when undefined; the notes say why.
 *
 * @param probeSize            probe rows compared (after dropping rows non-finite in either version)
 * @param droppedRows          probe rows dropped because either version had NaN or infinity in them
 * @param linearCka            linear CKA (Kornblith et al. 2019) of the two embedding matrices; 1 for
 *                             identical versions, invariant to orthogonal transforms and isotropic scaling
 * @param knnOverlap           mean over probes of |N_old(i) and N_new(i)| / k, where N(i) are the k cosine
 *                             nearest neighbours of probe i among the other probes; 1 for identical versions
 * @param centroidShift        |mean(a_i) - mean(R^T b_i)| over all probes, where a, b are the L2-normalised
 *                             embeddings of the old and new version and R is the orthogonal Procrustes map
 *                             that best aligns the new space onto the old one (so a mere rotation of the
 *                             space is no shift); in [0, 2]
 * @param meanSampleShift      mean over probes of |a_i - R^T b_i| in the same aligned space; in [0, 2]
 * @param classCentroidShift   label -> centroid shift of that class's probes; empty without labels
 * @param notes                reasons for unavailable figures
 */
public record VersionDriftReport(int probeSize, int droppedRows, OptionalDouble linearCka, OptionalDouble knnOverlap,
                                 OptionalDouble centroidShift, OptionalDouble meanSampleShift,
                                 Map<Integer, Double> classCentroidShift, List<String> notes) {

    public VersionDriftReport {
        classCentroidShift = Map.copyOf(classCentroidShift);
        notes = List.copyOf(notes);
    }

    /**
     * Stable dotted names: {@code version.probe_size}, {@code version.dropped_rows}, {@code version.cka},
     * {@code version.knn_overlap}, {@code version.centroid_shift}, {@code version.mean_sample_shift},
     * {@code version.class.<label>.centroid_shift}. Unavailable figures are absent.
     */
    public Map<String, Double> toFlatMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("version.probe_size", (double) probeSize);
        m.put("version.dropped_rows", (double) droppedRows);
        linearCka.ifPresent(v -> m.put("version.cka", v));
        knnOverlap.ifPresent(v -> m.put("version.knn_overlap", v));
        centroidShift.ifPresent(v -> m.put("version.centroid_shift", v));
        meanSampleShift.ifPresent(v -> m.put("version.mean_sample_shift", v));
        new TreeMap<>(classCentroidShift).forEach((k, v) -> m.put("version.class." + k + ".centroid_shift", v));
        return Collections.unmodifiableMap(m);
    }
}
