package io.embedstream.connectors.wire.metrics;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One record of the metrics topic ({@code embedstream.metrics}): the figures of one window of training embeddings,
 * written by the job's metrics operator and read by {@code watch}, the demo's progress line and the dashboard. The
 * JSON keys are in {@link MetricsRecordJson}; the format is described by {@code wire/embedstream.metrics.schema.json}
 * (connectors' test resources) and the README's "Metrics topic".
 *
 * <p>Figures that could not be computed are absent (never NaN) and explained in {@code notes}.
 *
 * @param window            the window's number, from 1
 * @param step              the trainer's step at the window's last step record
 * @param modelVersion      the latest published model version at that step (0 before the first)
 * @param time              when that step ended
 * @param images            training embeddings in the window
 * @param steps             training steps in the window
 * @param imagesPerSecond   training throughput over the window
 * @param skippedSteps      steps of the window skipped as not finite
 * @param skippedStepsTotal steps skipped since the job started
 * @param replayedImages    replayed (not fresh) images among the window's
 * @param batcher           the batcher's totals at the window's last step
 * @param learningRate      the learning rate at the window's last step (the trainer's float)
 * @param gradientNorm      mean gradient norm over the applied steps; absent when none was applied
 * @param loss              mean loss and terms over the applied steps
 * @param quality           the images' quality summary; absent when some image had no quality estimate
 * @param metrics           the window's feature-space figures by name ({@code collapse.*}, {@code norms.*},
 *                          {@code separation.*}, {@code drift.*}, {@code window.*}), in the writer's order
 * @param notes             why figures are missing
 * @param versionDrift      the latest model-version comparison; absent before two versions were compared
 * @param alarms            alarms raised or cleared in this window
 * @param activeAlarms      kinds of the alarms active after this window
 * @param classNames        with {@code classes.names}: the name of each class index that the figures' names show
 *                          ({@code norms.class.<label>.*}, {@code drift.class.<label>.*},
 *                          {@code version.class.<label>.*}), by index; empty otherwise, and then not written
 */
public record MetricsRecord(long window, long step, long modelVersion, Instant time, long images, long steps,
                            double imagesPerSecond, long skippedSteps, long skippedStepsTotal, long replayedImages,
                            BatcherTotals batcher, float learningRate, OptionalDouble gradientNorm, LossMeans loss,
                            Optional<QualitySummary> quality, Map<String, Double> metrics, List<String> notes,
                            Optional<VersionDriftFigures> versionDrift, List<AlarmChange> alarms,
                            List<String> activeAlarms, Map<Integer, String> classNames) {
    /** The value of {@code type}: the only kind of record on the topic so far. */
    public static final String TYPE = "window";

    // Names of the figures in metrics that readers show; the model's WindowReport writes them.
    public static final String EFFECTIVE_RANK = "collapse.effective_rank";
    public static final String NORM_QUALITY_SPEARMAN = "norms.quality_spearman";
    public static final String DRIFT_P_VALUE = "drift.p_value";

    public MetricsRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(batcher, "batcher");
        Objects.requireNonNull(gradientNorm, "gradientNorm");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(quality, "quality");
        Objects.requireNonNull(versionDrift, "versionDrift");
        requireFinite(imagesPerSecond, "images_per_second");
        requireFinite(learningRate, "learning_rate");
        gradientNorm.ifPresent(v -> requireFinite(v, "gradient_norm"));
        metrics.forEach((name, value) -> requireFinite(value, "metrics." + name));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        notes = List.copyOf(notes);
        alarms = List.copyOf(alarms);
        activeAlarms = List.copyOf(activeAlarms);
        classNames = Collections.unmodifiableMap(new java.util.TreeMap<>(classNames));
    }

    /** A record that names no class (a stream with integer labels). */
    public MetricsRecord(long window, long step, long modelVersion, Instant time, long images, long steps,
                         double imagesPerSecond, long skippedSteps, long skippedStepsTotal, long replayedImages,
                         BatcherTotals batcher, float learningRate, OptionalDouble gradientNorm, LossMeans loss,
                         Optional<QualitySummary> quality, Map<String, Double> metrics, List<String> notes,
                         Optional<VersionDriftFigures> versionDrift, List<AlarmChange> alarms,
                         List<String> activeAlarms) {
        this(window, step, modelVersion, time, images, steps, imagesPerSecond, skippedSteps, skippedStepsTotal,
                replayedImages, batcher, learningRate, gradientNorm, loss, quality, metrics, notes, versionDrift,
                alarms, activeAlarms, Map.of());
    }

    /** The name of class {@code label} as the stream gave it: its name when known, else the label in decimal. */
    public String className(int label) {
        String name = classNames.get(label);
        return name != null ? name : Integer.toString(label);
    }

    /** Compact UTF-8 JSON, one line, as on the topic. */
    public byte[] toJson() {
        return MetricsRecordJson.write(this);
    }

    /**
     * Reads a record of the metrics topic; keys it does not know are ignored.
     *
     * @throws io.embedstream.connectors.wire.WireFormatException naming the field, when the bytes are not a window
     *                                                            record or a required field is missing or mistyped
     */
    public static MetricsRecord fromJson(byte[] json) {
        return MetricsRecordJson.read(json);
    }

    /** A figure of {@link #metrics()}, absent when the window could not compute it. */
    public OptionalDouble metric(String name) {
        Double value = metrics.get(name);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    // The topic promises no NaN: Jackson would write one as the string "NaN", which no reader takes for a number.
    static void requireFinite(double value, String key) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("metrics record field '" + key + "' must be finite, got " + value);
        }
    }
}
