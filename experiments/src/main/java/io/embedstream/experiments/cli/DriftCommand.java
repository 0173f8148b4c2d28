package io.embedstream.experiments.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedstream.experiments.chart.LineChart;
import io.embedstream.experiments.drift.DriftPoint;
import io.embedstream.experiments.drift.DriftRun;
import io.embedstream.experiments.drift.DriftScenario;
import io.embedstream.experiments.drift.DriftScenarioResult;
import io.embedstream.experiments.drift.DriftStream;
import io.embedstream.experiments.drift.EmbeddingPool;
import io.embedstream.model.data.DegradationPlan;
import io.embedstream.model.data.DegradedImage;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.eval.LabeledEmbeddings;
import io.embedstream.model.eval.RetrievalEvaluator;
import io.embedstream.model.metrics.drift.ClassAwareDriftConfig;
import io.embedstream.model.metrics.drift.ClassAwareDriftMonitor;
import io.embedstream.model.metrics.drift.ClassDriftConfig;
import io.embedstream.model.metrics.drift.DriftKind;
import io.embedstream.model.metrics.drift.ErtMmdConfig;
import io.embedstream.model.metrics.drift.ReferenceSample;
import io.embedstream.model.random.Rng;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.FitLoop;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.cli.Datasets;
import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.types.LabeledImage;
import io.embedstream.experiments.QueryEmbeddings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A real shift (issue 18): a model trained on the in-distribution dataset embeds a stream that switches to another
 * distribution, abruptly or gradually, or whose class mix changes; each window goes to the class-aware drift
 * monitor ({@link ClassAwareDriftMonitor}: ERT-calibrated MMD for DATA_DRIFT, chi-square for LABEL_SHIFT,
 * per-class ERT detectors for CLASS_DRIFT). Reports the detection delays after the switch, the alarms before it
 * and, for the label shift, which kinds were raised.
 *
 * <p>Per seed: the model is trained with {@link FitLoop} on the train split (trainer seed = the seed); every image
 * of the in-distribution dataset (train and test splits) is embedded once, and the frozen model's embedding of an
 * image does not depend on its window, so the stream's windows are assembled from those embeddings. The embeddings
 * are shuffled (seeded): the first {@code --reference} are the monitor's reference and never appear in the
 * stream, the rest are the stationary stream's pool. The new distribution is the test split of {@code --shift-to}
 * (an IDX directory such as Fashion-MNIST), or with {@code degrade} the stream pool's images degraded (blur,
 * noise, JPEG, low contrast).
 */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = "Trains a model on --dataset, embeds a stream of its images that switches to --shift-to (abruptly,"
                + " or gradually over G windows) or changes its class mix, and feeds each window to the class-aware"
                + " drift monitor (ERT-calibrated MMD): reports the detection delay in windows, the alarms before the"
                + " switch and, for a label shift, whether LABEL_SHIFT and not DATA_DRIFT was raised.")
public final class DriftCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String DEGRADE = "degrade";

    @Option(names = "--dataset", defaultValue = "synthetic",
            description = "The distribution before the switch, on whose train split the model is trained: synthetic,"
                    + " synthetic:TRAIN:TEST[:SEED] or idx:DIR (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--shift-to", defaultValue = DEGRADE,
            description = "The distribution after the switch: idx:DIR or synthetic:... (its test split, e.g."
                    + " idx:/usr/share/datasets/fashion-mnist), or degrade[:SEVERITY] (the stream's own images"
                    + " degraded, at severities 0.3/0.6/1.0 or the one given) (default: ${DEFAULT-VALUE}).")
    String shiftTo;

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the train split (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "0", description = "Stop training after this many steps; 0 = all epochs (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seeds", defaultValue = "3",
            description = "Runs, with seeds first-seed, first-seed+1, ...; the seed sets the model, the reference, the"
                    + " stream and the detectors (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "1", description = "Seed of the first run (default: ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--window", defaultValue = "1024", description = "Images per stream window (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--reference", defaultValue = "4096",
            description = "Reference images of the monitor, held out of the stream (at most "
                    + ErtMmdConfig.MAX_REFERENCE_ROWS + ") (default: ${DEFAULT-VALUE}).")
    int reference;

    @Option(names = "--stream-images", defaultValue = "0",
            description = "Use only this many images of --dataset (a seeded subset) for the reference and the stream;"
                    + " 0 = all, train and test splits (default: ${DEFAULT-VALUE}).")
    int streamImages;

    @Option(names = "--shift-images", defaultValue = "0",
            description = "Use only this many test images of --shift-to (a seeded subset); 0 = all (default: ${DEFAULT-VALUE}).")
    int shiftImages;

    @Option(names = "--stationary", defaultValue = "40", description = "Windows before the switch (default: ${DEFAULT-VALUE}).")
    int stationary;

    @Option(names = "--after", defaultValue = "30", description = "Windows after the switch, per scenario (default: ${DEFAULT-VALUE}).")
    int after;

    @Option(names = "--gradual-windows", defaultValue = "10",
            description = "G: the gradual switch mixes in a share (k+1)/G of new images in window k after it (default: ${DEFAULT-VALUE}).")
    int gradualWindows;

    @Option(names = "--scenarios", defaultValue = "abrupt,gradual,label_shift", split = ",",
            description = "Any of abrupt, gradual, label_shift (default: ${DEFAULT-VALUE}).")
    List<String> scenarios;

    @Option(names = "--label-shift-classes", defaultValue = "0,1", split = ",",
            description = "Label shift: the classes that take --label-shift-share of the images after the switch (default: ${DEFAULT-VALUE}).")
    List<Integer> labelShiftClasses;

    @Option(names = "--label-shift-share", defaultValue = "0.8",
            description = "Label shift: their share together; the other classes share the rest equally (default: ${DEFAULT-VALUE}).")
    double labelShiftShare;

    @Option(names = "--ert", defaultValue = "500",
            description = "Expected run time of the drift detectors: mean windows between false alarms (default: ${DEFAULT-VALUE}).")
    int ert;

    @Option(names = "--test-windows", defaultValue = "2",
            description = "W: the covariate detector's test window is the samples of the last W windows (default: ${DEFAULT-VALUE}).")
    int testWindows;

    @Option(names = "--rows-per-window", defaultValue = "32",
            description = "b: rows the covariate detector samples from each window, with the reference's class quotas (default: ${DEFAULT-VALUE}).")
    int rowsPerWindow;

    @Option(names = "--class-rows-per-window", defaultValue = "16",
            description = "Rows of a class each per-class detector samples from a window (default: ${DEFAULT-VALUE}).")
    int classRowsPerWindow;

    @Option(names = "--bootstraps", defaultValue = "0",
            description = "Simulated drift-free streams calibrating the covariate detector; 0 = 100 x ERT (default: ${DEFAULT-VALUE}).")
    int bootstraps;

    @Option(names = "--out", description = "Output directory for results.json, results.md and the PNG plots (default: experiment-results/drift).")
    Path out;

    @Mixin
    TrainingOptions training;

    @Spec
    CommandSpec spec;

    /** What one seed produced besides the scenario results. */
    record SeedInfo(long seed, long trainSteps, double trainSeconds, double embedSeconds, double calibrationSeconds,
                    double streamSeconds, double precisionAt1, double bandwidth, double[] thresholds,
                    List<Integer> monitoredClasses, Map<Integer, String> unmonitoredClasses) {}

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = RunSettings.of(spec);
        List<DriftScenario> scenarioList = validate();
        LabeledDataset data = Datasets.load(dataset);
        boolean degrade = shiftTo.equals(DEGRADE) || shiftTo.startsWith(DEGRADE + ":");
        double degradeSeverity = degrade ? severity() : Double.NaN;
        boolean needsShift = scenarioList.contains(DriftScenario.ABRUPT) || scenarioList.contains(DriftScenario.GRADUAL);
        LabeledDataset shiftData = !degrade && needsShift ? Datasets.load(shiftTo) : null;
        List<LabeledImage> pool = new ArrayList<>(data.train());
        pool.addAll(data.test());
        LabeledImage first = data.train().get(0);
        if (shiftData != null) {
            LabeledImage s = shiftData.test().isEmpty() ? null : shiftData.test().get(0);
            if (s == null) {
                throw new IllegalArgumentException("--shift-to " + shiftTo + " has no test images");
            }
            if (s.width() != first.width() || s.height() != first.height() || s.channels() != first.channels()) {
                throw new IllegalArgumentException("--shift-to images are " + s.width() + "x" + s.height() + "x"
                        + s.channels() + " but the model takes " + first.width() + "x" + first.height() + "x"
                        + first.channels() + " (those of --dataset)");
            }
        }
        int used = streamImages > 0 ? Math.min(streamImages, pool.size()) : pool.size();
        if (reference + window > used) {
            throw new IllegalArgumentException("the stream uses " + used + " images of --dataset; --reference " + reference
                    + " plus one --window of " + window + " need more");
        }
        long total = ExperimentSetup.totalSteps(steps, epochs, batch, data.train().size());
        TrainerConfig base = training.trainerConfig(first.height(), first.width(), first.channels(), data.numClasses(), total);
        DriftRun.Plan plan = new DriftRun.Plan(stationary, after, gradualWindows, labelShiftClasses, labelShiftShare,
                scenarioList);
        Path outDir = out != null ? out : Path.of("experiment-results", "drift");
        String shiftName = degrade ? "degraded " + data.name() : shiftData != null ? shiftData.name() : "none";
        System.out.printf(Locale.ROOT, "drift on %s -> %s: %d training steps per seed, windows of %d images, reference"
                        + " %d, %d windows before the switch, %d after, scenarios %s, ERT %d; output %s%n",
                data.name(), shiftName, total, window, reference, stationary, after, scenarioKeys(scenarioList), ert, outDir);

        List<DriftScenarioResult> results = new ArrayList<>();
        List<SeedInfo> infos = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            long seed = firstSeed + s;
            runSeed(seed, base, data, pool, shiftData, degrade, degradeSeverity, plan, results, infos);
        }

        List<String> headings = List.of("scenario", "seed", "model P@1", "alarms before switch (DATA/LABEL/CLASS)",
                "DATA_DRIFT delay", "new images at alarm", "DATA_DRIFT windows after", "LABEL_SHIFT delay",
                "LABEL_SHIFT windows after", "CLASS_DRIFT delay", "CLASS_DRIFT windows after");
        List<List<String>> rows = new ArrayList<>();
        for (DriftScenarioResult r : results) {
            SeedInfo info = infos.stream().filter(i -> i.seed() == r.seed()).findFirst().orElseThrow();
            OptionalInt dd = r.delay(DriftKind.DATA_DRIFT);
            rows.add(List.of(r.scenario().key(), String.valueOf(r.seed()), String.format(Locale.ROOT, "%.3f", info.precisionAt1()),
                    r.falseAlarms(DriftKind.DATA_DRIFT) + "/" + r.falseAlarms(DriftKind.LABEL_SHIFT) + "/"
                            + r.falseAlarms(DriftKind.CLASS_DRIFT) + " of " + r.stationary().size(),
                    str(dd), dd.isPresent() ? String.format(Locale.ROOT, "%.0f%%", 100 * r.after().get(dd.getAsInt()).shiftedShare()) : "—",
                    r.flaggedAfter(DriftKind.DATA_DRIFT) + " of " + r.after().size(),
                    str(r.delay(DriftKind.LABEL_SHIFT)), r.flaggedAfter(DriftKind.LABEL_SHIFT) + " of " + r.after().size(),
                    str(r.delay(DriftKind.CLASS_DRIFT)), r.flaggedAfter(DriftKind.CLASS_DRIFT) + " of " + r.after().size()));
        }
        System.out.println("\n" + Tables.aligned(headings, rows));
        Map<String, Object> goals = goals(results);
        goals.forEach((k, v) -> System.out.println(k + ": " + v));

        Files.createDirectories(outDir);
        settings.put("dataset_name", data.name());
        settings.put("dataset_images_used", used);
        settings.put("stream_pool_images", used - reference);
        settings.put("shift_name", shiftName);
        settings.put("shift_pool_images", shiftData != null
                ? (shiftImages > 0 ? Math.min(shiftImages, shiftData.test().size()) : shiftData.test().size())
                : degrade && needsShift ? used - reference : 0);
        settings.put("training_steps", total);
        settings.put("base_objective", training.objective().describe());
        settings.put("learning_rate_schedule", String.valueOf(base.schedule()));
        settings.put("covariate_bootstraps", bootstraps > 0 ? bootstraps : 100L * ert);
        settings.put("label_shift_alpha", 1.0 / ert);
        settings.put("processors", Runtime.getRuntime().availableProcessors());
        settings.put("java", System.getProperty("java.version"));
        writeJson(outDir.resolve("results.json"), settings, results, infos, goals);
        Files.writeString(outDir.resolve("results.md"), markdown(data.name(), shiftName, total, headings, rows, infos, goals));
        List<String> charts = new ArrayList<>();
        for (DriftScenario scenario : scenarioList) {
            List<DriftScenarioResult> mine = results.stream().filter(r -> r.scenario() == scenario).toList();
            String file = "drift_" + scenario.key() + ".png";
            chart(scenario, mine, shiftName, false).write(outDir.resolve(file));
            String zoom = "drift_" + scenario.key() + "_zoom.png";
            chart(scenario, mine, shiftName, true).write(outDir.resolve(zoom));
            charts.add(file);
            charts.add(zoom);
        }
        System.out.println("wrote " + outDir.resolve("results.json") + ", results.md, " + String.join(", ", charts));
        return 0;
    }

    private void runSeed(long seed, TrainerConfig base, LabeledDataset data, List<LabeledImage> pool,
                         LabeledDataset shiftData, boolean degrade, double degradeSeverity, DriftRun.Plan plan,
                         List<DriftScenarioResult> results, List<SeedInfo> infos) {
        TrainerConfig config = base.toBuilder().seed(seed).build();
        // The reference and the stream pool: a seeded shuffle of the images of --dataset (the first --stream-images).
        int trainSize = data.train().size();
        int[] order = new Rng(seed * 0x2545F4914F6CDD1DL + 17).permutation(pool.size());
        int used = streamImages > 0 ? Math.min(streamImages, pool.size()) : pool.size();
        List<LabeledImage> usedImages = new ArrayList<>(used);
        boolean[] fromTrain = new boolean[used];
        for (int i = 0; i < used; i++) {
            usedImages.add(pool.get(order[i]));
            fromTrain[i] = order[i] < trainSize;
        }
        long t0 = System.nanoTime();
        float[][] rows;
        float[][] shiftedRows = null;
        int[] shiftedLabels = null;
        long ran;
        double trainSeconds;
        double embedSeconds;
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            long total = ExperimentSetup.totalSteps(steps, epochs, batch, trainSize);
            long every = Math.max(1, total / 5);
            new FitLoop(trainer, batch).run(data.train(), null, epochs, total, (epoch, inEpoch, perEpoch, r) -> {
                long step = trainer.step() + trainer.skippedSteps();
                if (step % every == 0 || step == total) {
                    System.err.printf(Locale.ROOT, "  seed %d: training step %d/%d, loss %.3f%n", seed, step, total, r.loss());
                }
            });
            ran = trainer.step();
            if (trainer.skippedSteps() > 0) {
                System.err.printf(Locale.ROOT, "  seed %d: %d training steps skipped (non-finite)%n", seed, trainer.skippedSteps());
            }
            trainSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            rows = finite(trainer.model().embed(usedImages, QueryEmbeddings.BATCH), "the --dataset images", seed);
            List<LabeledImage> shiftedImages = null;
            if (degrade && plan.scenarios().stream().anyMatch(s -> s != DriftScenario.LABEL_SHIFT)) {
                DegradationPlan.Builder p = DegradationPlan.builder().degradedShare(1.0)
                        .degradations(ExperimentSetup.QUALITY_DEGRADATIONS).seed(seed);
                p = Double.isNaN(degradeSeverity) ? p.severityLevels(ExperimentSetup.SEVERITY_LEVELS)
                        : p.severityLevels(degradeSeverity);
                shiftedImages = p.build().apply(usedImages.subList(reference, used)).stream()
                        .map(DegradedImage::image).toList();
            } else if (shiftData != null) {
                shiftedImages = shiftData.test();
                if (shiftImages > 0 && shiftImages < shiftedImages.size()) {
                    int[] pick = new Rng(seed * 0x2545F4914F6CDD1DL + 29).permutation(shiftedImages.size());
                    List<LabeledImage> subset = new ArrayList<>(shiftImages);
                    for (int i = 0; i < shiftImages; i++) {
                        subset.add(shiftedImages.get(pick[i]));
                    }
                    shiftedImages = subset;
                }
            }
            if (shiftedImages != null) {
                shiftedRows = finite(trainer.model().embed(shiftedImages, QueryEmbeddings.BATCH), "the --shift-to images", seed);
                shiftedLabels = shiftedImages.stream().mapToInt(LabeledImage::label).toArray();
            }
            embedSeconds = (System.nanoTime() - t1) / 1e9;
        }
        int[] labels = usedImages.stream().mapToInt(LabeledImage::label).toArray();
        double p1 = precisionAt1(rows, labels, fromTrain);

        float[][] refRows = java.util.Arrays.copyOfRange(rows, 0, reference);
        int[] refLabels = java.util.Arrays.copyOfRange(labels, 0, reference);
        float[][] streamRows = java.util.Arrays.copyOfRange(rows, reference, used);
        int[] streamLabels = java.util.Arrays.copyOfRange(labels, reference, used);
        long t2 = System.nanoTime();
        ErtMmdConfig.Builder cov = ErtMmdConfig.builder(ReferenceSample.of(refRows, refLabels)).expectedRunTime(ert)
                .windowSteps(testWindows).rowsPerStep(rowsPerWindow).seed(seed).stratifyByClass(true);
        if (bootstraps > 0) {
            cov.bootstraps(bootstraps);
        }
        ClassAwareDriftConfig monitorConfig = ClassAwareDriftConfig.of(cov.build())
                .withClassDrift(ClassDriftConfig.defaults().withFamilyExpectedRunTime(ert)
                        .withSteps(testWindows, classRowsPerWindow).withSeed(seed));
        ClassAwareDriftMonitor monitor = ClassAwareDriftMonitor.calibrate(monitorConfig);
        double calibrationSeconds = (System.nanoTime() - t2) / 1e9;
        System.err.printf(Locale.ROOT, "  seed %d: %d steps in %.1f s, embedded in %.1f s, P@1 %.3f; monitor calibrated in"
                        + " %.1f s (MMD threshold %.4g, per-class detectors for classes %s)%n", seed, ran, trainSeconds,
                embedSeconds, p1, calibrationSeconds, monitor.covariateDetector().threshold(Long.MAX_VALUE),
                monitor.classDetectors().map(c -> c.monitoredClasses().toString()).orElse("none"));

        long t3 = System.nanoTime();
        EmbeddingPool before = new EmbeddingPool(streamRows, streamLabels, seed);
        EmbeddingPool shifted = shiftedRows == null ? null : new EmbeddingPool(shiftedRows, shiftedLabels, seed + 1);
        List<DriftScenarioResult> r = DriftRun.run(monitor, before, shifted, window, plan, seed,
                line -> System.err.println("  " + line));
        double streamSeconds = (System.nanoTime() - t3) / 1e9;
        results.addAll(r);
        infos.add(new SeedInfo(seed, ran, trainSeconds, embedSeconds, calibrationSeconds, streamSeconds, p1,
                monitor.covariateDetector().bandwidth(), monitor.covariateDetector().thresholds(),
                monitor.classDetectors().map(c -> c.monitoredClasses()).orElse(List.of()),
                monitor.classDetectors().map(c -> c.unmonitoredClasses()).orElse(Map.of())));
    }

    /** P@1 (cosine) of the used test-split images against the used train-split images; NaN without both. */
    private static double precisionAt1(float[][] rows, int[] labels, boolean[] fromTrain) {
        List<float[]> q = new ArrayList<>();
        List<float[]> r = new ArrayList<>();
        List<Integer> ql = new ArrayList<>();
        List<Integer> rl = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            (fromTrain[i] ? r : q).add(rows[i]);
            (fromTrain[i] ? rl : ql).add(labels[i]);
        }
        if (q.isEmpty() || r.isEmpty()) {
            return Double.NaN;
        }
        LabeledEmbeddings refs = LabeledEmbeddings.of(r.toArray(new float[0][]), rl.stream().mapToInt(Integer::intValue).toArray());
        LabeledEmbeddings queries = LabeledEmbeddings.of(q.toArray(new float[0][]), ql.stream().mapToInt(Integer::intValue).toArray());
        return RetrievalEvaluator.withDefaults().evaluate(queries, refs).overall().precisionAt1();
    }

    private static float[][] finite(float[][] rows, String what, long seed) {
        for (int i = 0; i < rows.length; i++) {
            for (float v : rows[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalStateException("seed " + seed + ": the embedding of " + what + " number " + i
                            + " has the non-finite value " + v + " (the model diverged; lower --lr)");
                }
            }
        }
        return rows;
    }

    private List<DriftScenario> validate() {
        if (epochs < 1 || steps < 0 || batch < 2 || seeds < 1) {
            throw new IllegalArgumentException("need --epochs >= 1, --steps >= 0, --batch >= 2 and --seeds >= 1");
        }
        if (streamImages < 0 || shiftImages < 0) {
            throw new IllegalArgumentException("--stream-images and --shift-images must be >= 0 (0 = all)");
        }
        if (window < 2 || reference < 1 || reference > ErtMmdConfig.MAX_REFERENCE_ROWS) {
            throw new IllegalArgumentException("need --window >= 2 and --reference in [1, " + ErtMmdConfig.MAX_REFERENCE_ROWS
                    + "], got " + window + " and " + reference);
        }
        if (classRowsPerWindow < 2) {
            throw new IllegalArgumentException("--class-rows-per-window must be at least 2, got " + classRowsPerWindow);
        }
        if (bootstraps < 0) {
            throw new IllegalArgumentException("--bootstraps must be >= 0 (0 = 100 x ERT), got " + bootstraps);
        }
        if (!shiftTo.equals(DEGRADE) && !shiftTo.startsWith(DEGRADE + ":") && !shiftTo.startsWith("idx:")
                && !shiftTo.startsWith("synthetic")) {
            throw new IllegalArgumentException("--shift-to must be degrade, degrade:SEVERITY, idx:DIR or synthetic:..., got "
                    + shiftTo);
        }
        List<DriftScenario> list = new ArrayList<>();
        for (String s : scenarios) {
            DriftScenario d = DriftScenario.parse(s);
            if (!list.contains(d)) {
                list.add(d);
            }
        }
        return list;
    }

    private double severity() {
        if (shiftTo.equals(DEGRADE)) {
            return Double.NaN;
        }
        String v = shiftTo.substring(DEGRADE.length() + 1);
        double s;
        try {
            s = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shift-to degrade:SEVERITY needs a number, got '" + v + "'");
        }
        if (!(s > 0 && s <= 1)) {
            throw new IllegalArgumentException("--shift-to degrade:SEVERITY needs a severity in (0, 1], got " + s);
        }
        return s;
    }

    /** The goals, each with the figures behind it. */
    private Map<String, Object> goals(List<DriftScenarioResult> results) {
        Map<String, Object> g = new LinkedHashMap<>();
        List<Long> seedsSeen = results.stream().map(DriftScenarioResult::seed).distinct().toList();
        List<Integer> beforeSwitch = new ArrayList<>();
        List<Integer> anyBefore = new ArrayList<>();
        for (long seed : seedsSeen) {
            DriftScenarioResult r = results.stream().filter(x -> x.seed() == seed).findFirst().orElseThrow();
            beforeSwitch.add(r.falseAlarms(DriftKind.DATA_DRIFT));
            anyBefore.add(r.windowsWithFalseAlarms());
        }
        g.put("data_drift_alarms_before_switch_per_seed", beforeSwitch);
        g.put("no_data_drift_alarm_before_switch", beforeSwitch.stream().allMatch(n -> n == 0));
        g.put("windows_with_any_alarm_before_switch_per_seed", anyBefore);
        for (DriftScenario sc : List.of(DriftScenario.ABRUPT, DriftScenario.GRADUAL)) {
            List<DriftScenarioResult> rs = results.stream().filter(r -> r.scenario() == sc).toList();
            if (rs.isEmpty()) {
                continue;
            }
            List<Integer> delays = rs.stream().map(r -> r.delay(DriftKind.DATA_DRIFT))
                    .map(d -> d.isPresent() ? d.getAsInt() : null).toList();
            g.put(sc.key() + "_data_drift_delay_per_seed", delays);
            if (sc == DriftScenario.ABRUPT) {
                g.put("abrupt_delay_at_most_2", delays.stream().allMatch(d -> d != null && d <= 2));
            } else {
                g.put("gradual_new_share_at_alarm_per_seed", rs.stream().map(r -> r.delay(DriftKind.DATA_DRIFT).isPresent()
                        ? r.after().get(r.delay(DriftKind.DATA_DRIFT).getAsInt()).shiftedShare() : null).toList());
            }
        }
        List<DriftScenarioResult> ls = results.stream().filter(r -> r.scenario() == DriftScenario.LABEL_SHIFT).toList();
        if (!ls.isEmpty()) {
            g.put("label_shift_raised_per_seed", ls.stream().map(r -> r.flaggedAfter(DriftKind.LABEL_SHIFT) > 0).toList());
            g.put("label_shift_data_drift_windows_after_switch_per_seed",
                    ls.stream().map(r -> r.flaggedAfter(DriftKind.DATA_DRIFT)).toList());
            g.put("label_shift_only_label_shift_raised", ls.stream()
                    .allMatch(r -> r.flaggedAfter(DriftKind.LABEL_SHIFT) > 0 && r.flaggedAfter(DriftKind.DATA_DRIFT) == 0));
        }
        return g;
    }

    private void writeJson(Path file, Map<String, Object> settings, List<DriftScenarioResult> results,
                           List<SeedInfo> infos, Map<String, Object> goals) throws java.io.IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", "drift");
        root.put("created_at", Instant.now().toString());
        root.put("settings", settings);
        Map<String, Object> findings = new LinkedHashMap<>();
        findings.put("goals", goals);
        List<Object> runs = new ArrayList<>();
        for (DriftScenarioResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", r.scenario().key());
            m.put("seed", r.seed());
            m.put("switch_window", r.switchWindow());
            Map<String, Object> before = new LinkedHashMap<>();
            for (DriftKind k : DriftKind.values()) {
                before.put(k.name(), r.falseAlarms(k));
            }
            m.put("alarms_before_switch", before);
            m.put("windows_before_switch", r.stationary().size());
            m.put("untested_windows_before_switch", r.untestedStationary());
            Map<String, Object> delays = new LinkedHashMap<>();
            Map<String, Object> counts = new LinkedHashMap<>();
            for (DriftKind k : DriftKind.values()) {
                OptionalInt d = r.delay(k);
                delays.put(k.name(), d.isPresent() ? d.getAsInt() : null);
                counts.put(k.name(), r.flaggedAfter(k));
            }
            m.put("delay_windows", delays);
            OptionalInt dd = r.delay(DriftKind.DATA_DRIFT);
            m.put("new_share_at_data_drift_alarm", dd.isPresent() ? r.after().get(dd.getAsInt()).shiftedShare() : null);
            m.put("windows_flagged_after_switch", counts);
            m.put("windows_after_switch", r.after().size());
            m.put("untested_windows_after_switch", r.untestedAfter());
            runs.add(m);
        }
        findings.put("runs", runs);
        root.put("findings", findings);
        List<Object> seedList = new ArrayList<>();
        for (SeedInfo info : infos) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seed", info.seed());
            m.put("training_steps", info.trainSteps());
            m.put("train_seconds", info.trainSeconds());
            m.put("embed_seconds", info.embedSeconds());
            m.put("calibration_seconds", info.calibrationSeconds());
            m.put("stream_seconds", info.streamSeconds());
            m.put("model_precision_at_1", Double.isFinite(info.precisionAt1()) ? info.precisionAt1() : null);
            m.put("kernel_bandwidth", info.bandwidth());
            m.put("covariate_thresholds", info.thresholds());
            m.put("class_detectors", info.monitoredClasses());
            Map<String, Object> un = new LinkedHashMap<>();
            info.unmonitoredClasses().forEach((k, v) -> un.put(String.valueOf(k), v));
            m.put("classes_without_detector", un);
            List<DriftScenarioResult> mine = results.stream().filter(r -> r.seed() == info.seed()).toList();
            if (!mine.isEmpty()) {
                m.put("windows_before_switch", points(mine.get(0).stationary()));
            }
            Map<String, Object> afterBy = new LinkedHashMap<>();
            for (DriftScenarioResult r : mine) {
                afterBy.put(r.scenario().key(), points(r.after()));
            }
            m.put("windows_after_switch", afterBy);
            seedList.add(m);
        }
        root.put("runs", seedList);
        JSON.writeValue(file.toFile(), root);
    }

    private static List<Object> points(List<DriftPoint> points) {
        List<Object> list = new ArrayList<>();
        for (DriftPoint p : points) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("window", p.window());
            m.put("after_switch", p.afterSwitch());
            m.put("new_share", p.shiftedShare());
            m.put("mmd2", p.statistic().isPresent() ? p.statistic().getAsDouble() : null);
            m.put("threshold", p.threshold());
            m.put("flagged", p.flagged().stream().map(Enum::name).sorted().toList());
            m.put("label_shift_p", p.labelShiftP());
            m.put("label_total_variation", p.labelTotalVariation());
            if (!p.driftingClasses().isEmpty()) {
                m.put("drifting_classes", p.driftingClasses());
            }
            if (!p.flagged().isEmpty() || !p.tested()) {
                m.put("summary", p.summary());
            }
            list.add(m);
        }
        return list;
    }

    private String markdown(String datasetName, String shiftName, long total, List<String> headings,
                            List<List<String>> rows, List<SeedInfo> infos, Map<String, Object> goals) {
        StringBuilder md = new StringBuilder("# Drift: a real shift\n\n");
        md.append(String.format(Locale.ROOT, "Model trained on the train split of %s (%d steps of batch %d per seed); the"
                        + " stream draws its images from %s (%s, %d of them held out as the monitor's reference, the"
                        + " rest the stream's pool) and switches to %s."
                        + " Windows of %d images, %d before the switch, %d after it per scenario; gradual: new share"
                        + " (k+1)/%d in window k after the switch; label shift: %.0f%% of the images on classes %s."
                        + " Monitor: class-stratified ERT MMD (ERT %d, W %d, b %d) for DATA_DRIFT, chi-square at alpha"
                        + " 1/%d for LABEL_SHIFT, per-class ERT detectors (family ERT %d, b %d) for CLASS_DRIFT.%n%n"
                        + "Delay = windows after the switch until the first alarm of that kind: 0 = the first window after"
                        + " the switch. 'Alarms before switch' counts the windows of the stationary part that raised each"
                        + " kind (shared by the scenarios of a seed).%n%n",
                datasetName, total, batch, datasetName,
                streamImages > 0 ? "a seeded subset of " + streamImages + " images" : "train and test splits",
                reference, shiftName, window, stationary, after, gradualWindows,
                100 * labelShiftShare, labelShiftClasses, ert, testWindows, rowsPerWindow, ert, ert, classRowsPerWindow));
        md.append(Tables.markdown(headings, rows)).append('\n');
        md.append("Plots: `drift_<scenario>.png` (MMD² and threshold per window and seed, the switch and each seed's first"
                + " DATA_DRIFT alarm marked) and `drift_<scenario>_zoom.png` (the same around the stationary part's range).");
        if (infos.stream().anyMatch(i -> i.thresholds()[i.thresholds().length - 1] < 0)) {
            md.append(" The thresholds are below 0: the per-class quotas give the test sample fewer same-class pairs than"
                    + " random draws would, which lowers the unbiased MMD² without drift when the classes form clusters;"
                    + " the calibration draws with the same quotas, so the thresholds include that offset.");
        }
        md.append("\n\n## Goals\n\n");
        goals.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("\n## Per seed\n\n");
        List<List<String>> seedRows = new ArrayList<>();
        for (SeedInfo i : infos) {
            seedRows.add(List.of(String.valueOf(i.seed()), String.valueOf(i.trainSteps()),
                    String.format(Locale.ROOT, "%.3f", i.precisionAt1()),
                    String.format(Locale.ROOT, "%.1f", i.trainSeconds()), String.format(Locale.ROOT, "%.1f", i.embedSeconds()),
                    String.format(Locale.ROOT, "%.1f", i.calibrationSeconds()), String.format(Locale.ROOT, "%.1f", i.streamSeconds()),
                    String.format(Locale.ROOT, "%.4g", i.thresholds()[i.thresholds().length - 1]),
                    i.monitoredClasses().toString()));
        }
        md.append(Tables.markdown(List.of("seed", "training steps", "model P@1 (test vs train)", "train s", "embed s",
                "calibration s", "stream s", "MMD² threshold (t ≥ W)", "classes with a detector"), seedRows));
        return md.toString();
    }

    /**
     * Statistic and threshold per window, one pair of lines per seed, the switch and each seed's first DATA_DRIFT
     * alarm after it (and any before it) marked. With {@code zoom} the y axis spans the stationary part and the
     * thresholds (span s = their highest minus their lowest value) from s below to 4 s above, so that the statistic's
     * noise against its threshold and the first windows after the switch can be read; what lies above is cut off.
     * (The thresholds may be negative: stratified sampling leaves the unbiased MMD^2 below 0 without drift.)
     */
    private LineChart chart(DriftScenario scenario, List<DriftScenarioResult> results, String shiftName, boolean zoom) {
        String to = scenario == DriftScenario.LABEL_SHIFT
                ? String.format(Locale.ROOT, "class mix %.0f%% on %s", 100 * labelShiftShare, labelShiftClasses)
                : shiftName + (scenario == DriftScenario.GRADUAL ? " over " + gradualWindows + " windows" : "");
        LineChart.Builder c = LineChart.builder()
                .title("Drift, " + scenario.key().replace('_', ' ') + " to " + to + (zoom ? " (zoom)" : ""))
                .xLabel("stream window (" + window + " images)")
                .yLabel("class-stratified MMD² and its ERT " + ert + " threshold");
        double yMin = 0;
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (DriftScenarioResult r : results) {
            List<DriftPoint> all = new ArrayList<>(r.stationary());
            all.addAll(r.after());
            double[] x = new double[all.size()];
            double[] y = new double[all.size()];
            double[] t = new double[all.size()];
            for (int i = 0; i < all.size(); i++) {
                DriftPoint p = all.get(i);
                x[i] = p.window();
                y[i] = p.statistic().isPresent() ? p.statistic().getAsDouble() : Double.NaN;
                t[i] = p.threshold();
                if (Double.isFinite(y[i])) {
                    yMin = Math.min(yMin, y[i]);
                }
                if (p.afterSwitch() < 0) {
                    for (double v : new double[] {y[i], t[i]}) {
                        if (Double.isFinite(v)) {
                            low = Math.min(low, v);
                            high = Math.max(high, v);
                        }
                    }
                }
            }
            c.series("MMD² seed " + r.seed(), x, y);
            c.series("threshold seed " + r.seed(), x, t);
            OptionalInt d = r.delay(DriftKind.DATA_DRIFT);
            if (d.isPresent()) {
                c.verticalLine("DATA_DRIFT seed " + r.seed(), r.switchWindow() + d.getAsInt());
            }
            for (DriftPoint p : r.stationary()) {
                if (p.flagged(DriftKind.DATA_DRIFT)) {
                    c.verticalLine("false alarm seed " + r.seed(), p.window());
                }
            }
        }
        if (zoom && high > low) {
            double span = high - low;
            c.yMin(low - span).yMax(high + 4 * span);
        } else {
            c.yMin(yMin < 0 ? yMin * 1.1 : 0);
        }
        if (!results.isEmpty()) {
            c.verticalLine("switch", results.get(0).switchWindow() - 0.5);
        }
        return c.build();
    }

    private static String scenarioKeys(List<DriftScenario> list) {
        return String.join(",", list.stream().map(DriftScenario::key).toList());
    }

    private static String str(OptionalInt v) {
        return v.isPresent() ? String.valueOf(v.getAsInt()) : "—";
    }
}
