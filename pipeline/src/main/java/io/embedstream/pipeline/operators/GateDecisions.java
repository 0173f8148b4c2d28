package io.embedstream.pipeline.operators;

import io.embedstream.connectors.model.PromotionRecord;
import io.embedstream.pipeline.types.GateDecision;
import io.embedstream.pipeline.types.ModelSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link GateDecision} in the forms of the models topic: manifest extras and {@link PromotionRecord}s. */
public final class GateDecisions {
    /** Manifest extra of a promoted version: the linear map from the previously promoted version's space. */
    public static final String COMPAT_EXTRA = "compat_map";

    private GateDecisions() {}

    /** The decision records of a judged version (none for a version not judged): its own, then any rollback. */
    static List<PromotionRecord> records(ModelSnapshot snapshot) {
        GateDecision d = snapshot.decision;
        if (d == null) {
            return List.of();
        }
        Instant at = Instant.ofEpochMilli(snapshot.timestampMillis);
        List<PromotionRecord> records = new ArrayList<>(2);
        records.add(d.promoted() ? PromotionRecord.promote(snapshot.version, d.reason, at, evaluation(d))
                : PromotionRecord.reject(snapshot.version, d.rollbackTo >= 0 ? d.rollbackTo : d.serving, d.reason, at,
                evaluation(d)));
        if (d.rollbackTo >= 0) {
            records.add(PromotionRecord.rollback(d.rollbackTo, d.rollbackReason, at));
        }
        return records;
    }

    /** The candidate's held-out figures as JSON-compatible values; figures that are not numbers are left out. */
    static Map<String, Object> evaluation(GateDecision d) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("held_out_images", d.heldOutImages);
        e.put("held_out_classes", d.heldOutClasses);
        e.put("held_out_quarantined", d.quarantinedImages);
        e.put("held_out_suspect", d.suspectImages);
        e.put("held_out_admitted", d.admittedImages);
        e.put("held_out_dropped", d.droppedImages);
        putFinite(e, "precision_at_1", d.precisionAt1);
        putFinite(e, "map_at_r", d.mapAtR);
        putFinite(e, "effective_rank", d.effectiveRank);
        putFinite(e, "serving_precision_at_1", d.servingPrecisionAt1);
        if (d.bandFrom != null) {
            List<Map<String, Object>> bands = new ArrayList<>();
            for (int b = 0; b < d.bandFrom.length; b++) {
                Map<String, Object> band = new LinkedHashMap<>();
                band.put("from", d.bandFrom[b]);
                band.put("to", d.bandTo[b]);
                band.put("queries", d.bandQueries[b]);
                putFinite(band, "precision_at_1", d.bandPrecisionAt1[b]);
                bands.add(band);
            }
            e.put("by_quality", bands);
        }
        return e;
    }

    /** The compatibility map of a promoted version, if one was fitted. */
    static Optional<Map<String, Object>> compatibility(GateDecision d) {
        if (d.compatMatrix == null) {
            return Optional.empty();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from_version", d.compatFrom);
        m.put("method", d.compatMethod);
        m.put("rows", d.compatRows);
        m.put("cols", d.compatCols);
        List<Double> values = new ArrayList<>(d.compatMatrix.length);
        for (double v : d.compatMatrix) {
            values.add((double) (float) v); // float precision: the embeddings are floats
        }
        m.put("matrix", values);
        return Optional.of(m);
    }

    /** One line for people, as in the metrics record's notes: {@code version 9 rejected (serving 7): ...}. */
    static String describe(ModelSnapshot snapshot) {
        List<PromotionRecord> records = records(snapshot);
        StringBuilder line = new StringBuilder(records.get(0).describe());
        for (int i = 1; i < records.size(); i++) {
            line.append("; ").append(records.get(i).describe());
        }
        return line.toString();
    }

    /**
     * The decision's figures for the metrics record ({@code gate.*}): the version judged, whether it was promoted
     * (1 or 0), the serving version after the decision, the held-out set's trusted and quarantined images when it
     * judged, and the finite held-out figures.
     */
    static Map<String, Double> figures(ModelSnapshot snapshot) {
        GateDecision d = snapshot.decision;
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("gate.version", (double) snapshot.version);
        f.put("gate.promoted", d.promoted() ? 1.0 : 0.0);
        f.put("gate.serving_version", (double) d.serving);
        f.put("gate.held_out_images", (double) d.heldOutImages);
        f.put("gate.held_out_quarantined", (double) d.quarantinedImages);
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("gate.precision_at_1", d.precisionAt1);
        figures.put("gate.map_at_r", d.mapAtR);
        figures.put("gate.serving_precision_at_1", d.servingPrecisionAt1);
        figures.put("gate.effective_rank", d.effectiveRank);
        figures.forEach((name, value) -> {
            if (Double.isFinite(value)) {
                f.put(name, value);
            }
        });
        if (d.rollbackTo >= 0) {
            f.put("gate.rollback_to", (double) d.rollbackTo);
        }
        return f;
    }

    private static void putFinite(Map<String, Object> map, String key, double value) {
        if (Double.isFinite(value)) {
            map.put(key, value);
        }
    }
}
