package io.embedstream.pipeline.operators;

import io.embedstream.connectors.wire.metrics.AlarmChange;
import io.embedstream.connectors.wire.metrics.BatcherTotals;
import io.embedstream.connectors.wire.metrics.LossMeans;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.connectors.wire.metrics.QualitySummary;
import io.embedstream.connectors.wire.metrics.VersionDriftFigures;
import io.embedstream.model.metrics.AlarmEvent;
import io.embedstream.model.metrics.AlarmKind;
import io.embedstream.model.metrics.WindowReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The metrics topic's record for one closed window: the training figures from the window's step records, the
 * window's feature-space report, the latest model-version comparison and the detector's alarms. Training figures
 * and quality are rounded to six decimals, as in the records already on topics and in recorded files.
 */
final class MetricsRecordBuilder {

    private MetricsRecordBuilder() {}

    /**
     * @param notes      why figures of the report are missing besides the report's own notes (data drift)
     * @param events     alarms raised or cleared by this window, oldest first
     * @param active     alarms active after this window
     */
    /** @param driftFigures the calibrated drift detectors' figures ({@code drift.ert.*}, ...), added to the report's */
    static MetricsRecord build(long windowIndex, WindowAccumulator window, WindowReport report,
                               Map<String, Double> driftFigures, List<String> notes,
                               Optional<VersionDriftTracker.Comparison> versionDrift, List<AlarmEvent> events,
                               Collection<AlarmKind> active) {
        long[] batcher = window.batcher();
        List<String> allNotes = new ArrayList<>(report.notes());
        allNotes.addAll(notes);
        return new MetricsRecord(windowIndex, window.lastStep(), window.lastVersion(),
                Instant.ofEpochMilli(window.lastMillis()), window.rows(), window.steps(),
                round(window.imagesPerSecond()), window.skipped(), window.skippedStepsTotal(), window.replayed(),
                new BatcherTotals(batcher[0], batcher[1], batcher[2]), window.learningRate(),
                finite(window.meanGradientNorm()), loss(window), quality(window.qualities()), figures(report, driftFigures),
                allNotes, versionDrift.map(MetricsRecordBuilder::figures),
                events.stream().map(e -> new AlarmChange(e.kind().name(), e.state().name(), e.reason())).toList(),
                active.stream().map(AlarmKind::name).toList());
    }

    private static Map<String, Double> figures(WindowReport report, Map<String, Double> driftFigures) {
        if (driftFigures.isEmpty()) {
            return report.toFlatMap();
        }
        Map<String, Double> all = new LinkedHashMap<>(report.toFlatMap());
        driftFigures.forEach((name, value) -> {
            if (Double.isFinite(value)) {
                all.put(name, value);
            }
        });
        return all;
    }

    private static LossMeans loss(WindowAccumulator window) {
        Map<String, Double> terms = new LinkedHashMap<>();
        window.meanComponents().forEach((name, mean) -> finite(mean).ifPresent(v -> terms.put(name, v)));
        return new LossMeans(finite(window.meanLoss()), terms);
    }

    /** Empty when some image of the window had no quality estimate. */
    private static Optional<QualitySummary> quality(float[] q) {
        if (q == null || q.length == 0) {
            return Optional.empty();
        }
        float[] sorted = q.clone();
        Arrays.sort(sorted);
        double sum = 0;
        int low = 0;
        for (float v : q) {
            sum += v;
            low += v < 0.5f ? 1 : 0;
        }
        return Optional.of(new QualitySummary(round(sum / q.length), round(sorted[(int) (0.1 * (sorted.length - 1))]),
                round(sorted[0]), round(low / (double) q.length)));
    }

    private static VersionDriftFigures figures(VersionDriftTracker.Comparison comparison) {
        // Unlike the window report, the version-drift report does not drop non-finite figures; the topic has none.
        Map<String, Double> figures = new LinkedHashMap<>();
        comparison.report().toFlatMap().forEach((name, value) -> {
            if (Double.isFinite(value)) {
                figures.put(name, value);
            }
        });
        comparison.warmupLeft().ifPresent(left -> figures.put("version.warmup_left", (double) left));
        return new VersionDriftFigures(comparison.fromVersion(), comparison.toVersion(), figures);
    }

    /** A mean over no applied step is NaN: the figure is left out. */
    private static OptionalDouble finite(double value) {
        return Double.isFinite(value) ? OptionalDouble.of(round(value)) : OptionalDouble.empty();
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
