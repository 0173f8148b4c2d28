package io.embedstream.experiments;

import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.model.eval.CorruptionEvaluator;
import io.embedstream.model.eval.CorruptionReport;
import io.embedstream.model.eval.EvaluationReport;
import io.embedstream.model.eval.LabeledEmbeddings;
import io.embedstream.model.eval.QualityBucket;
import io.embedstream.model.eval.RetrievalEvaluator;
import io.embedstream.model.metrics.AlarmEvent;
import io.embedstream.model.metrics.AlarmKind;
import io.embedstream.model.metrics.AlarmState;
import io.embedstream.model.metrics.CollapseDriftDetector;
import io.embedstream.model.metrics.DetectorConfig;
import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.WindowMetrics;
import io.embedstream.model.metrics.WindowReport;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.FitLoop;
import io.embedstream.model.train.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Runs one {@link RunSpec}: trains with the {@link FitLoop}, and every {@code windowSteps} steps embeds the fixed
 * probe set with the current model, computes its window metrics and feeds them to a
 * {@link CollapseDriftDetector} (the batch embeddings of the window are measured too); at the end evaluates the
 * model on the test split against the clean train split with the {@link RetrievalEvaluator}.
 *
 * <p>The detector watches the probe set rather than the training batches so that an alarm means the model
 * collapsed, not that the stream changed: a stream that turns into one class has low-rank batches whatever the
 * model does.
 */
public final class ExperimentRunner {
    private final RetrievalEvaluator evaluator;
    private final DetectorConfig detectorConfig;
    private final double strongFrom;
    private final Consumer<String> progress;
    private final CorruptionSet corruptions;
    private final long corruptionSeed;

    /**
     * @param evaluator      the final evaluation
     * @param detectorConfig thresholds of the collapse detector
     * @param strongFrom     severity from which a query counts as strongly degraded
     * @param progress       receives a line per monitoring window (may ignore it)
     */
    public ExperimentRunner(RetrievalEvaluator evaluator, DetectorConfig detectorConfig, double strongFrom,
                            Consumer<String> progress) {
        this(evaluator, detectorConfig, strongFrom, progress, CorruptionSet.NONE, 0);
    }

    /**
     * As above, and the final model is also evaluated on the clean test split under {@code corruptions} against
     * the clean train split (ranked by the evaluator's metric), with the same corrupted images for every run.
     */
    public ExperimentRunner(RetrievalEvaluator evaluator, DetectorConfig detectorConfig, double strongFrom,
                            Consumer<String> progress, CorruptionSet corruptions, long corruptionSeed) {
        this.corruptions = Objects.requireNonNull(corruptions, "corruptions");
        this.corruptionSeed = corruptionSeed;
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.detectorConfig = Objects.requireNonNull(detectorConfig, "detectorConfig");
        this.strongFrom = strongFrom;
        QualityBucket.ofSeverity(0, strongFrom); // validates the threshold
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** Total steps a spec runs on a stream of {@code trainSize} images. */
    public static long totalSteps(RunSpec spec, int trainSize) {
        long all = FitLoop.stepsPerEpoch(trainSize, spec.batchSize()) * spec.epochs();
        return spec.maxSteps() > 0 ? Math.min(spec.maxSteps(), all) : all;
    }

    public RunResult run(RunSpec spec, ExperimentData data) {
        long total = totalSteps(spec, data.train().size());
        WindowMetrics metrics = WindowMetrics.withDefaults();
        CollapseDriftDetector detector = new CollapseDriftDetector(detectorConfig);
        List<WindowPoint> windows = new ArrayList<>();
        int[] firstAlarm = {-1};
        long start = System.nanoTime();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(spec.trainer())) {
            Window window = new Window(spec.windowSteps(), trainer.model().config().embeddingSize());
            FitLoop.Listener listener = (epoch, inEpoch, perEpoch, result) -> {
                // Steps attempted so far, this one included: the numbering of the windows and the skip reasons.
                long attempted = result.step() + trainer.skippedSteps();
                window.add(result, attempted);
                if (window.full()) {
                    WindowPoint point = closeWindow(windows.size(), attempted, window,
                            trainer, data.probe(), metrics, detector, firstAlarm);
                    windows.add(point);
                    progress.accept(String.format(java.util.Locale.ROOT,
                            "%s seed %d: step %d/%d, probe effective rank %.1f, batch effective rank %.1f, loss %.3f%s",
                            spec.configuration(), spec.trainer().seed(), point.step(), total,
                            point.probeEffectiveRank(), point.batchEffectiveRank(), point.loss(),
                            point.alarms().isEmpty() ? "" : " " + point.alarms())
                            + (point.skipReasons().isEmpty() ? "" : ", skipped " + point.skipReasons()));
                }
            };
            FitLoop loop = new FitLoop(trainer, spec.batchSize());
            if (spec.oneClassFrom() >= 0 && spec.oneClassFrom() < total) {
                loop.run(data.train(), null, spec.epochs(), spec.oneClassFrom(), listener);
                List<LabeledImage> one = data.train().stream()
                        .filter(im -> im.label() == RunSpec.ONE_CLASS_LABEL).toList();
                long remaining = total - trainer.step() - trainer.skippedSteps();
                int epochs = (int) Math.min(Integer.MAX_VALUE,
                        (remaining + FitLoop.stepsPerEpoch(one.size(), spec.batchSize()) - 1)
                                / FitLoop.stepsPerEpoch(one.size(), spec.batchSize()));
                loop.run(one, null, Math.max(1, epochs), remaining, listener);
            } else {
                loop.run(data.train(), null, spec.epochs(), total, listener);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long ran = trainer.step() + trainer.skippedSteps();
            Optional<EvaluationReport> evaluation;
            Optional<CorruptionReport> corrupted = Optional.empty();
            String note = "";
            try {
                LabeledEmbeddings references = QueryEmbeddings.references(trainer.model(), data.references());
                EvaluationReport report = evaluator.evaluate(
                        QueryEmbeddings.queries(trainer.model(), data.queries(), strongFrom), references);
                evaluation = Optional.of(report);
                if (!corruptions.isEmpty()) {
                    corrupted = Optional.of(new CorruptionEvaluator(report.metric(), corruptionSeed).evaluate(
                            images -> QueryEmbeddings.embed(trainer.model(), images), data.cleanTest(), references,
                            corruptions));
                }
            } catch (NonFiniteEmbeddingException e) {
                evaluation = Optional.empty();
                note = "not evaluated: " + e.getMessage();
            }
            return new RunResult(spec.configuration(), spec.trainer().seed(), trainer.step(), trainer.skippedSteps(),
                    seconds, ran * spec.batchSize() / seconds, evaluation, note, corrupted, windows,
                    firstAlarm[0] >= 0 ? OptionalInt.of(firstAlarm[0]) : OptionalInt.empty());
        }
    }

    private static WindowPoint closeWindow(int index, long step, Window window, EmbeddingTrainer trainer,
                                           List<LabeledImage> probe, WindowMetrics metrics,
                                           CollapseDriftDetector detector, int[] firstAlarm) {
        float[][] rows = trainer.model().embed(probe, QueryEmbeddings.BATCH);
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        WindowReport probeReport = metrics.compute(EmbeddingWindow.of(flat, rows.length, d));
        WindowReport batchReport = metrics.compute(window.toWindow());
        List<String> alarms = new ArrayList<>();
        for (AlarmEvent e : detector.observe(probeReport)) {
            alarms.add(e.kind() + " " + e.state());
            boolean collapse = e.kind() == AlarmKind.EFFECTIVE_RANK_COLLAPSE || e.kind() == AlarmKind.CODING_RATE_DROP;
            if (collapse && e.state() == AlarmState.RAISED && firstAlarm[0] < 0) {
                firstAlarm[0] = index;
            }
        }
        // A window whose probe rows are all non-finite (a diverged model) has no collapse figures: rank 0 says it.
        double probeRank = probeReport.collapse().map(c -> c.effectiveRank()).orElse(0.0);
        double probeRate = probeReport.collapse().map(c -> c.codingRate()).orElse(0.0);
        double batchRank = batchReport.collapse().map(c -> c.effectiveRank()).orElse(0.0);
        WindowPoint point = new WindowPoint(index, step, probeRank, probeRate, batchRank, window.meanLoss(),
                window.skipReasons, alarms);
        window.reset();
        return point;
    }

    /** The training batches of the current monitoring window. */
    private static final class Window {
        final int steps;
        final int d;
        final List<float[]> embeddings = new ArrayList<>();
        final List<String> skipReasons = new ArrayList<>();
        int count;
        double lossSum;
        int lossCount;

        Window(int steps, int d) {
            this.steps = steps;
            this.d = d;
        }

        void add(StepResult r, long attempted) {
            count++;
            if (!r.applied()) {
                skipReasons.add("step " + attempted + ": " + r.skipReason());
            }
            if (Float.isFinite(r.loss())) {
                lossSum += r.loss();
                lossCount++;
            }
            embeddings.add(r.embeddings());
        }

        boolean full() {
            return count >= steps;
        }

        double meanLoss() {
            return lossCount == 0 ? Double.NaN : lossSum / lossCount;
        }

        EmbeddingWindow toWindow() {
            int rows = embeddings.stream().mapToInt(e -> e.length / d).sum();
            float[] flat = new float[rows * d];
            int at = 0;
            for (float[] e : embeddings) {
                System.arraycopy(e, 0, flat, at, e.length);
                at += e.length;
            }
            return EmbeddingWindow.of(flat, rows, d);
        }

        void reset() {
            embeddings.clear();
            count = 0;
            skipReasons.clear();
            lossSum = 0;
            lossCount = 0;
        }
    }
}
