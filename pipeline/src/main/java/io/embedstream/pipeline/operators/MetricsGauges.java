package io.embedstream.pipeline.operators;

import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.model.metrics.AlarmKind;
import io.embedstream.model.metrics.CollapseDriftDetector;
import io.embedstream.model.metrics.WindowReport;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.MetricGroup;

/**
 * The latest window's figures as Flink gauges in the operator's {@code embedstream} group, for Flink's reporters and
 * Web UI. A gauge is registered when its figure first appears and then reads the latest value; per-class norms and
 * the spectrum are left out (too many gauges). Each alarm kind has a 0/1 gauge and each rule its current threshold. Gauges are read on the reporter's thread, hence the concurrent map.
 */
final class MetricsGauges {
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    private final Set<String> registered = new HashSet<>();
    private final MetricGroup group;

    MetricsGauges(MetricGroup operatorGroup) {
        this.group = operatorGroup.addGroup("embedstream");
    }

    void update(MetricsRecord record, WindowReport report, Optional<VersionDriftTracker.Comparison> versionDrift,
                CollapseDriftDetector detector) {
        Set<AlarmKind> active = detector.activeAlarms();
        values.put("step", (double) record.step());
        values.put("model_version", (double) record.modelVersion());
        values.put("images_per_second", record.imagesPerSecond());
        values.put("active_alarms", (double) active.size());
        // One 0/1 gauge per alarm kind, so an alerting rule can name the alarm it fires on.
        for (AlarmKind kind : AlarmKind.values()) {
            values.put("alarm." + kind.name().toLowerCase(Locale.ROOT), active.contains(kind) ? 1.0 : 0.0);
        }
        detector.thresholds(report.dimension()).forEach((name, threshold) -> values.put("threshold." + name, threshold));
        record.loss().total().ifPresent(total -> values.put("loss.total", total));
        record.loss().terms().forEach((name, mean) -> values.put("loss." + name, mean));
        report.toFlatMap().forEach((name, value) -> {
            if (!name.startsWith("norms.class.") && !name.startsWith("collapse.spectrum.")) {
                values.put(name, value);
            }
        });
        versionDrift.ifPresent(c -> c.report().toFlatMap().forEach((name, value) -> values.put("version_drift." + name, value)));
        for (String name : values.keySet()) {
            if (registered.add(name)) {
                group.gauge(name.replace('.', '_'), () -> values.get(name));
            }
        }
    }
}
