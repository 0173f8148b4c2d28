package io.embedstream.experiments.cli;

import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.model.data.Degradation;
import io.embedstream.model.data.DegradationPlan;
import io.embedstream.model.data.DegradedImage;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.types.LabeledImage;
import io.embedstream.experiments.ExperimentData;
import io.embedstream.experiments.ExperimentRunner;
import io.embedstream.experiments.RunResult;
import io.embedstream.experiments.RunSpec;
import io.embedstream.model.eval.RetrievalEvaluator;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.metrics.DetectorConfig;
import io.embedstream.model.train.FitLoop;
import io.embedstream.model.train.TrainerConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Data preparation and the run loop shared by the experiment commands. */
final class ExperimentSetup {
    /** The degradations of the quality experiments: those the quality tests validate, downscale left out. */
    static final Set<Degradation> QUALITY_DEGRADATIONS =
            EnumSet.of(Degradation.BLUR, Degradation.NOISE, Degradation.JPEG, Degradation.LOW_CONTRAST);
    /** The severity levels of the quality tests and of {@link DegradationPlan}'s default. */
    static final double[] SEVERITY_LEVELS = {0.3, 0.6, 1.0};

    private ExperimentSetup() {}

    static DegradationPlan plan(double share, long seed) {
        return DegradationPlan.builder().degradedShare(share).degradations(QUALITY_DEGRADATIONS)
                .severityLevels(SEVERITY_LEVELS).seed(seed).build();
    }

    /**
     * @param trainDegraded share of training images degraded
     * @param testDegraded  share of test images degraded (0 < share < 1); with {@code pairedTest} instead every
     *                      test image appears twice, clean and degraded
     */
    static ExperimentData data(LabeledDataset dataset, double trainDegraded, double testDegraded, boolean pairedTest,
                               int probeSize) {
        // Fixed data seeds (11 train, 12 test): every configuration and every trainer seed sees the same images.
        List<LabeledImage> train = plan(trainDegraded, 11).apply(dataset.train()).stream()
                .map(DegradedImage::image).toList();
        List<DegradedImage> queries;
        if (pairedTest) {
            queries = new ArrayList<>(dataset.test().stream().map(DegradedImage::clean).toList());
            queries.addAll(plan(1.0, 12).apply(dataset.test()));
        } else {
            queries = plan(testDegraded, 12).apply(dataset.test());
        }
        List<LabeledImage> probe = dataset.test().subList(0, Math.min(probeSize, dataset.test().size()));
        return new ExperimentData(dataset.name(), train, dataset.train(), queries, dataset.test(), probe,
                dataset.numClasses());
    }

    /** Every configuration for every seed, configuration-major within a seed so that partial output is balanced. */
    static List<RunResult> runAll(Map<String, ObjectiveConfig> configurations, TrainerConfig base,
                                  ExperimentOptions options, ExperimentData data, long oneClassFrom,
                                  DetectorConfig detector) {
        return runAll(configurations, base, options, data, oneClassFrom, detector, CorruptionSet.NONE, 0);
    }

    /** As above, and each run's model is also evaluated under {@code corruptions} (seeded by {@code corruptionSeed}). */
    static List<RunResult> runAll(Map<String, ObjectiveConfig> configurations, TrainerConfig base,
                                  ExperimentOptions options, ExperimentData data, long oneClassFrom,
                                  DetectorConfig detector, CorruptionSet corruptions, long corruptionSeed) {
        ExperimentRunner runner = new ExperimentRunner(RetrievalEvaluator.withDefaults(), detector,
                options.strongFrom, line -> System.err.println("  " + line), corruptions, corruptionSeed);
        List<RunResult> results = new ArrayList<>();
        int total = configurations.size() * options.seeds;
        int done = 0;
        for (int s = 0; s < options.seeds; s++) {
            long seed = options.firstSeed + s;
            for (Map.Entry<String, ObjectiveConfig> c : configurations.entrySet()) {
                TrainerConfig config = base.toBuilder().objective(c.getValue()).seed(seed).build();
                RunSpec spec = new RunSpec(c.getKey(), config, options.batch, options.epochs, options.steps,
                        options.windowSteps, oneClassFrom);
                RunResult r = runner.run(spec, data);
                done++;
                System.out.printf(Locale.ROOT, "run %d/%d: %s seed %d: %d steps in %.1f s (%.1f images/s)%s%n", done,
                        total, c.getKey(), seed, r.steps() + r.skippedSteps(), r.trainSeconds(), r.imagesPerSecond(),
                        r.evaluation().map(e -> String.format(Locale.ROOT, ", P@1 %.4f, MAP@R %.4f",
                                e.overall().precisionAt1(), e.overall().mapAtR().orElse(Double.NaN))).orElse(", " + r.note())
                        + r.corruptions().map(k -> String.format(Locale.ROOT, ", unseen corruptions mean P@1 %.4f",
                                k.mean())).orElse(""));
                results.add(r);
            }
        }
        return results;
    }

    /**
     * Adds to the settings of {@link RunSettings} what the run derived from them: the dataset's name and size, the
     * base objective of the training options, the objective of each configuration, the learning-rate schedule the
     * runs trained with (its rate is the optimiser's default when {@code --lr} is not given), and the machine.
     */
    static void addDerivedSettings(Map<String, Object> s, LabeledDataset dataset, TrainingOptions training,
                                   TrainerConfig base, Map<String, ObjectiveConfig> configurations) {
        s.put("dataset_name", dataset.name());
        s.put("train_images", dataset.train().size());
        s.put("test_images", dataset.test().size());
        s.put("base_objective", training.objective().describe());
        Map<String, Object> objectives = new LinkedHashMap<>();
        configurations.forEach((name, objective) -> objectives.put(name, objective.describe()));
        s.put("objectives", objectives);
        s.put("learning_rate_schedule", String.valueOf(base.schedule()));
        s.put("processors", Runtime.getRuntime().availableProcessors());
        s.put("java", System.getProperty("java.version"));
    }

    static long totalSteps(ExperimentOptions options, int trainSize) {
        return totalSteps(options.steps, options.epochs, options.batch, trainSize);
    }

    /** Steps of {@code epochs} passes over {@code trainSize} images, capped at {@code steps} when that is above 0. */
    static long totalSteps(long steps, int epochs, int batch, int trainSize) {
        long all = FitLoop.stepsPerEpoch(trainSize, batch) * epochs;
        return steps > 0 ? Math.min(steps, all) : all;
    }
}
