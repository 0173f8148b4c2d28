package io.embedstream.experiments.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedstream.experiments.QueryEmbeddings;
import io.embedstream.experiments.chart.LineChart;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.eval.KnnEvaluator;
import io.embedstream.model.quality.QualityEstimator;
import io.embedstream.model.random.Rng;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.model.train.TrainingBatch;
import io.embedstream.pipeline.batching.BatchAssembler;
import io.embedstream.pipeline.batching.BatcherIndex;
import io.embedstream.pipeline.batching.BatcherOutput;
import io.embedstream.pipeline.batching.BatcherStores;
import io.embedstream.pipeline.batching.HashMapStore;
import io.embedstream.pipeline.cli.Datasets;
import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.pipeline.config.BatcherConfig;
import io.embedstream.pipeline.types.MiniBatch;
import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.types.LabeledImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Class-incremental streaming (issue 16): the classes arrive in phases, each phase streaming only its own classes
 * through the job's batcher ({@link BatchAssembler}, here on hash maps) into the trainer, as a stream whose new
 * classes replace the old would. After each phase: kNN P@1 of the test images of every class seen so far against a
 * gallery of their train images, and of the first phase's classes alone (forgetting), with the batcher's replay
 * reservoir on and off. There is no clock inside a phase: a batch is cut when P classes have K images or a class
 * buffer is full, and what is left when the phase ends is cut as the job's timeout would.
 */
@Command(name = "class-incremental", mixinStandardHelpOptions = true,
        description = "Streams the classes in phases through the batcher and trainer, and reports after each phase"
                + " P@1 on every class seen so far and on the first phase's classes, with replay on and off.")
public final class ClassIncrementalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--dataset", defaultValue = "idx:/usr/share/datasets/fashion-mnist",
            description = "synthetic, synthetic:TRAIN:TEST[:SEED], idx:DIR, photos[:...] (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--phases", defaultValue = "5",
            description = "Phases; the classes are split evenly in label order (default: ${DEFAULT-VALUE}).")
    int phases;

    @Option(names = "--epochs", defaultValue = "1",
            description = "Passes over each phase's train images, each in a new order (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--images-per-class", defaultValue = "0",
            description = "Train images streamed per class (a seeded subset); 0 = all (default: ${DEFAULT-VALUE}).")
    int imagesPerClass;

    @Option(names = "--gallery-per-class", defaultValue = "200",
            description = "Train images per class in the kNN gallery (default: ${DEFAULT-VALUE}).")
    int galleryPerClass;

    @Option(names = "--replay-per-class", defaultValue = "32",
            description = "The batcher's reservoir per class in the replay-on run (default: ${DEFAULT-VALUE}).")
    int replayPerClass;

    @Option(names = "--classes-per-batch", defaultValue = "8", description = "P (default: ${DEFAULT-VALUE}).")
    int classesPerBatch;

    @Option(names = "--samples-per-class", defaultValue = "16", description = "K (default: ${DEFAULT-VALUE}).")
    int samplesPerClass;

    @Option(names = "--out", description = "Output directory (default: experiment-results/class-incremental).")
    Path out;

    @Mixin
    TrainingOptions training;

    @Spec
    CommandSpec spec;

    /** One phase's figures in one run. */
    record PhaseFigures(int phase, int classesSeen, long steps, double allSeen, double firstPhase,
                        long replayedImages, long batchesWithOldClasses) {}

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = RunSettings.of(spec);
        LabeledDataset data = Datasets.load(dataset);
        if (phases < 2 || phases > data.numClasses() || passes < 1 || imagesPerClass < 0 || galleryPerClass < 1
                || replayPerClass < 1) {
            throw new IllegalArgumentException("need 2 <= --phases <= classes (" + data.numClasses()
                    + "), --epochs >= 1, --images-per-class >= 0, --gallery-per-class >= 1, --replay-per-class >= 1");
        }
        List<List<LabeledImage>> byClass = byClass(data.train(), data.numClasses());
        List<LabeledImage> gallery = new ArrayList<>();
        List<List<LabeledImage>> streamed = new ArrayList<>();
        for (List<LabeledImage> images : byClass) {
            gallery.addAll(images.subList(0, Math.min(galleryPerClass, images.size())));
            streamed.add(imagesPerClass > 0 ? images.subList(0, Math.min(imagesPerClass, images.size())) : images);
        }
        long totalImages = streamed.stream().mapToLong(List::size).sum() * passes;
        LabeledImage first = data.train().get(0);
        TrainerConfig config = training.trainerConfig(first.height(), first.width(), first.channels(),
                data.numClasses(), Math.max(1, totalImages / ((long) classesPerBatch * samplesPerClass)));
        System.out.printf(Locale.ROOT, "class-incremental on %s: %d classes in %d phases, %d images streamed per run%n",
                data.name(), data.numClasses(), phases, totalImages);
        Map<String, List<PhaseFigures>> runs = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (boolean replay : new boolean[] {true, false}) {
            runs.put(replay ? "replay" : "no replay", run(config, data, streamed, gallery, replay ? replayPerClass : 0));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        List<String> headings = List.of("phase", "classes seen", "replay: P@1 seen", "replay: P@1 first phase",
                "no replay: P@1 seen", "no replay: P@1 first phase");
        List<List<String>> rows = new ArrayList<>();
        List<PhaseFigures> on = runs.get("replay");
        List<PhaseFigures> off = runs.get("no replay");
        for (int p = 0; p < phases; p++) {
            rows.add(List.of(String.valueOf(p + 1), String.valueOf(on.get(p).classesSeen()), pct(on.get(p).allSeen()),
                    pct(on.get(p).firstPhase()), pct(off.get(p).allSeen()), pct(off.get(p).firstPhase())));
        }
        String table = Tables.aligned(headings, rows);
        System.out.println("\n" + table);
        Path outDir = out != null ? out : Path.of("experiment-results", "class-incremental");
        Files.createDirectories(outDir);
        LineChart.Builder chart = LineChart.builder().title("Class-incremental stream on " + data.name())
                .xLabel("phase").yLabel("kNN P@1").yMin(0);
        double[] x = new double[phases];
        Arrays.setAll(x, p -> p + 1);
        runs.forEach((name, figures) -> {
            chart.series(name + ": classes seen", x, figures.stream().mapToDouble(PhaseFigures::allSeen).toArray());
            chart.series(name + ": first phase", x, figures.stream().mapToDouble(PhaseFigures::firstPhase).toArray());
        });
        chart.build().write(outDir.resolve("class_incremental.png"));
        settings.put("dataset_name", data.name());
        settings.put("classes", data.numClasses());
        settings.put("images_streamed_per_run", totalImages);
        settings.put("processors", Runtime.getRuntime().availableProcessors());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", "class-incremental");
        root.put("created_at", Instant.now().toString());
        root.put("settings", settings);
        root.put("seconds", seconds);
        root.put("runs", runs);
        JSON.writeValue(outDir.resolve("results.json").toFile(), root);
        Files.writeString(outDir.resolve("results.md"), "# Class-incremental stream\n\n" + Tables.markdown(headings, rows)
                + "\n\nP@1: kNN@1 of the test images of the classes named against a gallery of " + galleryPerClass
                + " train images per class seen so far. Plot: `class_incremental.png`.\n");
        System.out.printf(Locale.ROOT, "%nwrote %s (%.0f s)%n", outDir, seconds);
        return 0;
    }

    private List<PhaseFigures> run(TrainerConfig config, LabeledDataset data, List<List<LabeledImage>> streamed,
                                   List<LabeledImage> gallery, int replay) throws Exception {
        BatcherConfig batcher = new BatcherConfig(classesPerBatch, samplesPerClass, 4 * samplesPerClass, replay,
                5000, 2);
        BatcherStores stores = HashMapStore.stores();
        BatcherIndex index = BatcherIndex.create(config.seed());
        QualityEstimator quality = QualityEstimator.defaults();
        int perPhase = (data.numClasses() + phases - 1) / phases;
        List<PhaseFigures> figures = new ArrayList<>();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            long[] replayed = {0};
            long[] oldClassBatches = {0};
            for (int phase = 0; phase < phases; phase++) {
                int from = phase * perPhase;
                int to = Math.min(data.numClasses(), from + perPhase);
                List<LabeledImage> images = new ArrayList<>();
                for (int c = from; c < to; c++) {
                    images.addAll(streamed.get(c));
                }
                int firstOfPhase = from;
                BatcherOutput output = new BatcherOutput() {
                    @Override
                    public void batch(MiniBatch batch) {
                        List<LabeledImage> batchImages = new ArrayList<>();
                        float[] q = new float[batch.images.length];
                        boolean old = false;
                        for (int i = 0; i < batch.images.length; i++) {
                            batchImages.add(batch.images[i].toLabeledImage());
                            q[i] = batch.images[i].quality;
                            old |= batch.images[i].label < firstOfPhase;
                        }
                        replayed[0] += batch.replayed;
                        oldClassBatches[0] += old ? 1 : 0;
                        trainer.step(new TrainingBatch(batchImages, q));
                    }

                    @Override
                    public void dropped(ScoredImage image) {
                    }
                };
                for (int pass = 0; pass < passes; pass++) {
                    int[] order = new Rng(Rng.mix(config.seed() ^ (31L * phase + pass))).permutation(images.size());
                    for (int i : order) {
                        LabeledImage image = images.get(i);
                        BatchAssembler assembler = new BatchAssembler(batcher, stores, index, output);
                        assembler.add(ScoredImage.of(image, (float) quality.estimate(image).q()));
                        assembler.finish();
                    }
                }
                // The phase's stream ends: the timeout cuts what is left, as the job's would.
                boolean cut = true;
                while (cut) {
                    BatchAssembler assembler = new BatchAssembler(batcher, stores, index, output);
                    cut = assembler.cutPartial();
                    assembler.finish();
                }
                figures.add(evaluate(trainer, data, gallery, phase, to, perPhase, replayed[0], oldClassBatches[0]));
                System.err.printf(Locale.ROOT, "  replay %d, phase %d: %s%n", replay, phase + 1,
                        figures.get(figures.size() - 1));
            }
        }
        return figures;
    }

    private static PhaseFigures evaluate(EmbeddingTrainer trainer, LabeledDataset data, List<LabeledImage> gallery,
                                         int phase, int seenUpTo, int perPhase, long replayed, long oldBatches) {
        List<LabeledImage> seenGallery = gallery.stream().filter(i -> i.label() < seenUpTo).toList();
        List<LabeledImage> queries = data.test().stream().filter(i -> i.label() < seenUpTo).toList();
        List<LabeledImage> firstQueries = queries.stream().filter(i -> i.label() < perPhase).toList();
        KnnEvaluator knn = new KnnEvaluator(QueryEmbeddings.embed(trainer.model(), seenGallery),
                seenGallery.stream().mapToInt(LabeledImage::label).toArray());
        double all = knn.accuracy(QueryEmbeddings.embed(trainer.model(), queries),
                queries.stream().mapToInt(LabeledImage::label).toArray());
        double firstPhase = knn.accuracy(QueryEmbeddings.embed(trainer.model(), firstQueries),
                firstQueries.stream().mapToInt(LabeledImage::label).toArray());
        return new PhaseFigures(phase + 1, seenUpTo, trainer.step(), all, firstPhase, replayed, oldBatches);
    }

    private static List<List<LabeledImage>> byClass(List<LabeledImage> images, int classes) {
        List<List<LabeledImage>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        images.forEach(i -> byClass.get(i.label()).add(i));
        return byClass;
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
}
