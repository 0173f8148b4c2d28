package io.embedstream.pipeline.cli;

import io.embedstream.model.data.DegradationPlan;
import io.embedstream.model.data.DegradedImage;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.model.eval.CorruptionEvaluator;
import io.embedstream.model.eval.CorruptionReport;
import io.embedstream.model.eval.KnnEvaluator;
import io.embedstream.model.eval.LabeledEmbeddings;
import io.embedstream.model.eval.SimilarityMetric;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.FitLoop;
import io.embedstream.model.train.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains without Flink or Kafka, then reports held-out kNN@1: the trainer-only baseline. */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = "Train on a dataset without Flink or Kafka and report the held-out nearest-neighbour accuracy"
                + " (kNN@1 of the test embeddings against the train embeddings); with --corruptions, also P@1 under"
                + " corruptions the training stream never contains, per kind and level, and their mean.")
public final class FitCommand implements Callable<Integer> {
    private static final long WARM_UP_STEPS = 50;
    private static final long MEMORY_REPORT_STEPS = 250;

    @Option(names = "--dataset", defaultValue = "synthetic",
            description = Datasets.FORMS + " (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training split (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "0", description = "Stop after this many steps; 0 = run all epochs (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--degrade-train", defaultValue = "0",
            description = "Share of training images degraded (blur, noise, JPEG, low contrast, downscale; severities 0.3/0.6/1.0) (default: ${DEFAULT-VALUE}).")
    double degradeTrain;

    @Option(names = "--degrade-test", defaultValue = "0",
            description = "Share of test images degraded, reported per level (default: ${DEFAULT-VALUE}).")
    double degradeTest;

    @Option(names = "--save-state", description = "Write the final training state (parameters, moments, step, RNG) to this file.")
    Path saveState;

    @Mixin
    TrainingOptions training;

    @Mixin
    CorruptionOptions corruption;

    @Override
    public Integer call() throws Exception {
        CorruptionSet corruptions = corruption.kinds();
        long loadStart = System.nanoTime();
        LabeledDataset data = Datasets.load(dataset);
        List<DegradedImage> train = plan(degradeTrain, 1).apply(data.train());
        List<DegradedImage> test = plan(degradeTest, 2).apply(data.test());
        LabeledImage first = data.train().get(0);
        long perEpoch = FitLoop.stepsPerEpoch(train.size(), batch);
        long total = steps > 0 ? Math.min(steps, perEpoch * epochs) : perEpoch * epochs;
        TrainerConfig config = training.trainerConfig(first.height(), first.width(), first.channels(),
                data.numClasses(), total);
        System.out.printf(Locale.ROOT, "dataset %s: %d train / %d test, %d classes, %dx%dx%d (loaded in %.1f s)%n",
                data.name(), train.size(), test.size(), data.numClasses(), first.width(), first.height(),
                first.channels(), (System.nanoTime() - loadStart) / 1e9);
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config,
                new io.embedstream.pipeline.operators.FlinkBackboneSource())) {
            System.out.printf(Locale.ROOT, "network %s (%,d parameters, %s init) on %s; objective %s; %s lr %s,"
                            + " decay on %s%n", config.network().describe(), trainer.model().parameterCount(),
                    config.init().cliName(), trainer.model().device(), trainer.componentNames(),
                    config.optimizer().type().name().toLowerCase(Locale.ROOT), config.schedule(),
                    config.optimizer().decayOn().cliName());
            List<LabeledImage> trainImages = train.stream().map(DegradedImage::image).toList();
            ProgressLine progress = new ProgressLine(System.err);
            double[] warmMemory = {-1, -1};
            long start = System.nanoTime();
            long ran = new FitLoop(trainer, batch).run(trainImages, null, epochs, steps,
                    (epoch, inEpoch, perEpochSteps, result) -> {
                        if (result.step() == WARM_UP_STEPS) {
                            warmMemory[0] = ProcessMemory.residentMiB();
                            warmMemory[1] = trainer.model().manager().getManagedArrays().size();
                        }
                        if (result.step() % MEMORY_REPORT_STEPS == 0) {
                            System.err.printf(Locale.ROOT, "memory at step %d: resident %.0f MiB, JVM heap used %.0f MiB,"
                                            + " live NDArrays %d%n", result.step(), ProcessMemory.residentMiB(),
                                    ProcessMemory.heapUsedMiB(), trainer.model().manager().getManagedArrays().size());
                        }
                        progress.update(String.format(Locale.ROOT, "epoch %d/%d step %d/%d", epoch + 1, epochs,
                                inEpoch, perEpochSteps), result);
                    });
            progress.finish();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "trained %d steps (%d skipped) on %,d images in %.1f s: %.1f images/s%n",
                    trainer.step(), trainer.skippedSteps(), ran * batch, seconds, ran * batch / seconds);
            if (warmMemory[0] >= 0) {
                System.out.printf(Locale.ROOT, "memory: resident %.0f MiB after %d steps, %.0f MiB after %d;"
                                + " live NDArrays %d -> %d%n", warmMemory[0], WARM_UP_STEPS,
                        ProcessMemory.residentMiB(), trainer.step(), (long) warmMemory[1],
                        trainer.model().manager().getManagedArrays().size());
            }

            long evalStart = System.nanoTime();
            float[][] reference = trainer.model().embed(trainImages, 256);
            int[] referenceLabels = trainImages.stream().mapToInt(LabeledImage::label).toArray();
            List<LabeledImage> testImages = test.stream().map(DegradedImage::image).toList();
            float[][] queries = trainer.model().embed(testImages, 256);
            int[] predicted = new KnnEvaluator(reference, referenceLabels).predict(queries);
            report(test, predicted, (System.nanoTime() - evalStart) / 1e9);
            if (!corruptions.isEmpty()) {
                // The gallery is the clean train split, as eval's; it is what was trained on unless --degrade-train.
                float[][] gallery = degradeTrain == 0 ? reference : trainer.model().embed(data.train(), 256);
                long corruptStart = System.nanoTime();
                CorruptionReport r = new CorruptionEvaluator(SimilarityMetric.COSINE, corruption.seed()).evaluate(
                        images -> trainer.model().embed(images, 256), data.test(),
                        LabeledEmbeddings.of(gallery, data.train().stream().mapToInt(LabeledImage::label).toArray()),
                        corruptions);
                System.out.printf(Locale.ROOT, "unseen corruptions: P@1 of the %d clean test images, corrupted, against"
                                + " the %d clean train images (cosine, corruption seed %d; %.1f s):%n", r.queries(),
                        data.train().size(), r.seed(), (System.nanoTime() - corruptStart) / 1e9);
                System.out.print(CorruptionOptions.table(r));
            }
            if (saveState != null) {
                Files.write(saveState, trainer.saveState());
                System.out.println("training state written to " + saveState);
            }
        }
        return 0;
    }

    private DegradationPlan plan(double share, long seedOffset) {
        return DegradationPlan.builder().degradedShare(share).seed(training.seed + seedOffset).build();
    }

    private static void report(List<DegradedImage> test, int[] predicted, double seconds) {
        Map<String, int[]> byLevel = new TreeMap<>();
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            boolean hit = predicted[i] == test.get(i).image().label();
            correct += hit ? 1 : 0;
            int[] counts = byLevel.computeIfAbsent(levelOf(test.get(i)), k -> new int[2]);
            counts[0] += hit ? 1 : 0;
            counts[1]++;
        }
        System.out.printf(Locale.ROOT, "held-out kNN@1: %.2f%% (%d/%d test images; evaluated in %.1f s)%n",
                100.0 * correct / test.size(), correct, test.size(), seconds);
        if (byLevel.size() > 1) {
            byLevel.forEach((level, counts) -> System.out.printf(Locale.ROOT, "  %-12s %6.2f%%  (%d images)%n",
                    level, 100.0 * counts[0] / counts[1], counts[1]));
        }
    }

    /** Degradation level of a test image: clean, or the severity (over all degradation types). */
    private static String levelOf(DegradedImage image) {
        return image.isClean() ? "clean" : String.format(Locale.ROOT, "severity %.1f", image.severity());
    }
}
