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
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    /**
     * @param driftFigures the calibrated drift detectors' figures ({@code drift.ert.*}, ...), added to the report's
     * @param classNames   the latest version's class names (entry c names class c; null: the stream has none)
     */
    static MetricsRecord build(long windowIndex, WindowAccumulator window, WindowReport report,
                               Map<String, Double> driftFigures, List<String> notes,
                               Optional<VersionDriftTracker.Comparison> versionDrift, List<AlarmEvent> events,
                               Collection<AlarmKind> active, String[] classNames) {
        long[] batcher = window.batcher();
        List<String> allNotes = new ArrayList<>(report.notes());
        allNotes.addAll(notes);
        Map<String, Double> metrics = figures(report, driftFigures);
        Optional<VersionDriftFigures> drift = versionDrift.map(MetricsRecordBuilder::figures);
        return new MetricsRecord(windowIndex, window.lastStep(), window.lastVersion(),
                Instant.ofEpochMilli(window.lastMillis()), window.rows(), window.steps(),
                round(window.imagesPerSecond()), window.skipped(), window.skippedStepsTotal(), window.replayed(),
                new BatcherTotals(batcher[0], batcher[1], batcher[2]), window.learningRate(),
                finite(window.meanGradientNorm()), loss(window), quality(window.qualities()), metrics,
                allNotes, drift,
                events.stream().map(e -> new AlarmChange(e.kind().name(), e.state().name(), e.reason())).toList(),
                active.stream().map(AlarmKind::name).toList(), shownNames(classNames, metrics, drift));
    }

    private static final Pattern CLASS_FIGURE = Pattern.compile("\\.class\\.([0-9]+)\\.");

    /**
     * The names of the classes whose index a figure's name shows ({@code norms.class.3.mean}): only those, so the
     * record stays as small as the window's figures whatever the number of classes.
     */
    static Map<Integer, String> shownNames(String[] classNames, Map<String, Double> metrics,
                                           Optional<VersionDriftFigures> drift) {
        if (classNames == null) {
            return Map.of();
        }
        Map<Integer, String> shown = new TreeMap<>();
        List<String> keys = new ArrayList<>(metrics.keySet());
        drift.ifPresent(d -> keys.addAll(d.figures().keySet()));
        for (String key : keys) {
            Matcher m = CLASS_FIGURE.matcher(key);
            if (m.find()) {
                int label = Integer.parseInt(m.group(1));
                if (label < classNames.length && classNames[label] != null) {
                    shown.put(label, classNames[label]);
                }
            }
        }
        return shown;
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
