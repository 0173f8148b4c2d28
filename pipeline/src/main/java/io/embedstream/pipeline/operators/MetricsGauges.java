package io.embedstream.pipeline.operators;

import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.model.metrics.AlarmKind;
import io.embedstream.model.metrics.CollapseDriftDetector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.MetricGroup;

/**
 * The latest window's figures as Flink gauges in the operator's {@code embedstream} group, for Flink's reporters and
 * Web UI. A gauge is registered when its figure first appears and then reads the latest value; per-class norms and
 * the spectrum are left out (too many gauges), and of the per-class version drift only the {@link #TOP_CLASSES}
 * classes that moved most, by rank ({@code version_drift_top_class_<rank>_label} and {@code ..._centroid_shift}),
 * so that the number of Flink metrics stays bounded whatever the number of classes. Each alarm kind has a 0/1 gauge and each rule its current threshold. Gauges are read on the reporter's thread, hence the concurrent map.
 */
final class MetricsGauges {
    /** Per-class version-drift gauges kept: the classes whose centroid moved most. */
    static final int TOP_CLASSES = 10;
    private static final String CLASS_SHIFT = "version.class.";
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    private final Set<String> registered = new HashSet<>();
    private final MetricGroup group;

    MetricsGauges(MetricGroup operatorGroup) {
        this.group = operatorGroup.addGroup("embedstream");
    }

    /**
     * Sets every gauge from the window's record, so a scrape reads exactly what the topic says, plus the detector's
     * alarms and thresholds for embeddings of {@code dimension}.
     */
    void update(MetricsRecord record, int dimension, CollapseDriftDetector detector) {
        Set<AlarmKind> active = detector.activeAlarms();
        values.put("step", (double) record.step());
        values.put("model_version", (double) record.modelVersion());
        values.put("images_per_second", record.imagesPerSecond());
        values.put("active_alarms", (double) active.size());
        // One 0/1 gauge per alarm kind, so an alerting rule can name the alarm it fires on.
        for (AlarmKind kind : AlarmKind.values()) {
            values.put("alarm." + kind.name().toLowerCase(Locale.ROOT), active.contains(kind) ? 1.0 : 0.0);
        }
        detector.thresholds(dimension).forEach((name, threshold) -> values.put("threshold." + name, threshold));
        record.loss().total().ifPresent(total -> values.put("loss.total", total));
        record.loss().terms().forEach((name, mean) -> values.put("loss." + name, mean));
        record.metrics().forEach((name, value) -> {
            if (!perClassOrSpectrum(name)) {
                values.put(name, value);
            }
        });
        record.versionDrift().ifPresent(v -> {
            List<Map.Entry<String, Double>> shifts = new ArrayList<>();
            v.figures().forEach((name, value) -> {
                if (name.startsWith(CLASS_SHIFT)) {
                    shifts.add(Map.entry(name.substring(CLASS_SHIFT.length(), name.lastIndexOf('.')), value));
                } else {
                    values.put("version_drift." + name, value);
                }
            });
            shifts.sort(Map.Entry.<String, Double>comparingByValue().reversed());
            for (int rank = 1; rank <= TOP_CLASSES; rank++) {
                boolean present = rank <= shifts.size();
                values.put("version_drift.top_class." + rank + ".label",
                        present ? Double.parseDouble(shifts.get(rank - 1).getKey()) : Double.NaN);
                values.put("version_drift.top_class." + rank + ".centroid_shift",
                        present ? shifts.get(rank - 1).getValue() : Double.NaN);
            }
        });
        for (String name : values.keySet()) {
            if (registered.add(name)) {
                group.gauge(name.replace('.', '_'), () -> values.get(name));
            }
        }
    }

    /** Figures with one series per class or per eigenvalue: too many gauges, so they stay on the topic only. */
    private static boolean perClassOrSpectrum(String name) {
        return name.startsWith("norms.class.") || name.startsWith("collapse.spectrum.")
                || (name.startsWith("drift.class.") && !name.equals("drift.class.drifting_count"));
    }
}
