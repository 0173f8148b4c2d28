package io.embedstream.experiments.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedstream.experiments.QueryEmbeddings;
import io.embedstream.experiments.chart.LineChart;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.eval.KnnEvaluator;
import io.embedstream.model.random.Rng;
import io.embedstream.model.train.ClassInit;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.model.train.TrainingBatch;
import io.embedstream.pipeline.cli.Datasets;
import io.embedstream.pipeline.cli.TrainingOptions;
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
 * A class first seen mid-stream (issue 16): the trainer learns N-1 classes for a number of steps, then one more
 * class joins the stream, and its class-weight row is added while training goes on (no restart). The trainer's
 * state at that moment is forked, once per {@link ClassInit}, so both initialisations continue from the same
 * weights on the same batches (same run, same seed). After M steps with the new class, for several M: kNN P@1 of the
 * new class's test images against a gallery of train images of every class, the CM classifier's accuracy on them
 * (the nearest class-weight row by cosine), and kNN P@1 over the test images of every class.
 *
 * <p>Batches: P classes drawn uniformly from the classes streamed so far, K random train images each (with
 * replacement), from a generator of the seed; the first batch after the new class joins always holds it. The
 * learning rate follows the stream's schedule without an end (after the warm-up it stays at the base rate), as in
 * the job.
 */
@Command(name = "new-class", mixinStandardHelpOptions = true,
        description = "Trains on all classes but one, then adds the last class mid-stream and reports its held-out P@1"
                + " after M steps, with its class-weight row imprinted and random (same run, same seed).")
public final class NewClassCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--dataset", defaultValue = "idx:/work/shared/data/mnist10k",
            description = "synthetic, synthetic:TRAIN:TEST[:SEED], idx:DIR, photos[:...] (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--new-class", defaultValue = "-1",
            description = "The class that joins mid-stream (its label in the dataset); -1 = the last (default: ${DEFAULT-VALUE}).")
    int newClass;

    @Option(names = "--warmup-steps", defaultValue = "300",
            description = "Steps on the other classes before the new one joins (default: ${DEFAULT-VALUE}).")
    int warmupSteps;

    @Option(names = "--after-steps", split = ",", defaultValue = "1,10,25,50,100",
            description = "Steps after the new class joined at which to evaluate (default: ${DEFAULT-VALUE}).")
    List<Integer> afterSteps;

    @Option(names = "--gallery-per-class", defaultValue = "100",
            description = "Train images per class in the kNN gallery (default: ${DEFAULT-VALUE}).")
    int galleryPerClass;

    @Option(names = "--queries-per-class", defaultValue = "100",
            description = "Test images per old class in the all-class P@1; the new class uses all of its own (default: ${DEFAULT-VALUE}).")
    int queriesPerClass;

    @Option(names = "--classes-per-batch", defaultValue = "8", description = "P (default: ${DEFAULT-VALUE}).")
    int classesPerBatch;

    @Option(names = "--samples-per-class", defaultValue = "16", description = "K (default: ${DEFAULT-VALUE}).")
    int samplesPerClass;

    @Option(names = "--out", description = "Output directory (default: experiment-results/new-class).")
    Path out;

    @Mixin
    TrainingOptions training;

    @Spec
    CommandSpec spec;

    /** One evaluation: after {@code steps} steps with the new class (0 = just before it joined). */
    record Point(int steps, int classesInUse, double newClassP1, double newClassCmAccuracy, double allClassesP1) {}

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = RunSettings.of(spec);
        LabeledDataset data = Datasets.load(dataset);
        int n = data.numClasses();
        int joining = newClass < 0 ? n - 1 : newClass;
        int[] after = afterSteps.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        if (joining >= n || n < 3 || warmupSteps < 1 || after.length == 0 || after[0] < 1 || galleryPerClass < 1
                || queriesPerClass < 1 || classesPerBatch < 2 || classesPerBatch > n - 1 || samplesPerClass < 1) {
            throw new IllegalArgumentException("need a dataset of at least 3 classes, --new-class in [0, " + n
                    + "), --warmup-steps >= 1, --after-steps >= 1, --gallery-per-class and --queries-per-class >= 1,"
                    + " 2 <= --classes-per-batch <= classes - 1 (" + (n - 1) + ") and --samples-per-class >= 1");
        }
        // The joining class takes the last index, as a new name takes the next free index in the job.
        List<List<LabeledImage>> train = byClass(data.train(), n, joining);
        List<List<LabeledImage>> test = byClass(data.test(), n, joining);
        int fresh = n - 1;
        List<LabeledImage> gallery = new ArrayList<>();
        List<LabeledImage> queries = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            gallery.addAll(train.get(c).subList(0, Math.min(galleryPerClass, train.get(c).size())));
            queries.addAll(c == fresh ? test.get(c) : test.get(c).subList(0, Math.min(queriesPerClass,
                    test.get(c).size())));
        }
        List<LabeledImage> newQueries = test.get(fresh);
        LabeledImage first = data.train().get(0);
        // The stream's schedule has no end: the rate stays at its base after the warm-up, as in the job.
        TrainerConfig config = training.trainerConfig(first.height(), first.width(), first.channels(), n - 1,
                Long.MAX_VALUE / 4);
        System.out.printf(Locale.ROOT, "new-class on %s: %d classes, class %d joins after %d steps; batches %d x %d%n",
                data.name(), n, joining, warmupSteps, classesPerBatch, samplesPerClass);
        long t0 = System.nanoTime();
        byte[] joined;
        Point before;
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            Sampler sampler = new Sampler(train, config.seed());
            for (int s = 0; s < warmupSteps; s++) {
                trainer.step(sampler.next(n - 1, classesPerBatch, samplesPerClass, -1));
                if ((s + 1) % 50 == 0) {
                    System.err.printf(Locale.ROOT, "  warm-up step %d of %d (%.0f s)%n", s + 1, warmupSteps,
                            (System.nanoTime() - t0) / 1e9);
                }
            }
            before = evaluate(trainer, 0, gallery, queries, newQueries, fresh);
            joined = trainer.saveState();
        }
        System.err.printf(Locale.ROOT, "  before the new class: %s%n", before);
        Map<String, List<Point>> runs = new LinkedHashMap<>();
        for (ClassInit init : ClassInit.values()) {
            List<Point> points = new ArrayList<>();
            points.add(before);
            try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config.toBuilder().classInit(init).build())) {
                trainer.restoreState(joined);
                Sampler sampler = new Sampler(train, Rng.mix(config.seed() + 1));
                int done = 0;
                for (int target : after) {
                    for (; done < target; done++) {
                        trainer.step(sampler.next(n, classesPerBatch, samplesPerClass, done == 0 ? fresh : -1));
                    }
                    points.add(evaluate(trainer, target, gallery, queries, newQueries, fresh));
                    System.err.printf(Locale.ROOT, "  %s: %s%n", init.cliName(), points.get(points.size() - 1));
                }
            }
            runs.put(init.cliName(), points);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        List<String> headings = List.of("steps with the new class", "imprint: new-class P@1", "xavier: new-class P@1",
                "imprint: new-class CM acc.", "xavier: new-class CM acc.", "imprint: all-class P@1",
                "xavier: all-class P@1");
        List<List<String>> rows = new ArrayList<>();
        List<Point> imprint = runs.get(ClassInit.IMPRINT.cliName());
        List<Point> xavier = runs.get(ClassInit.XAVIER.cliName());
        for (int i = 0; i < imprint.size(); i++) {
            Point a = imprint.get(i);
            Point b = xavier.get(i);
            rows.add(List.of(String.valueOf(a.steps()), pct(a.newClassP1()), pct(b.newClassP1()),
                    pct(a.newClassCmAccuracy()), pct(b.newClassCmAccuracy()), pct(a.allClassesP1()),
                    pct(b.allClassesP1())));
        }
        String table = Tables.aligned(headings, rows);
        System.out.println("\n" + table);
        Path outDir = out != null ? out : Path.of("experiment-results", "new-class");
        Files.createDirectories(outDir);
        LineChart.Builder chart = LineChart.builder().title("Class " + joining + " of " + data.name()
                + " joining mid-stream").xLabel("steps with the new class").yLabel("new class: P@1 / CM accuracy")
                .yMin(0);
        runs.forEach((name, points) -> {
            double[] x = points.stream().mapToDouble(Point::steps).toArray();
            chart.series(name + ": kNN P@1", x, points.stream().mapToDouble(Point::newClassP1).toArray());
            chart.series(name + ": CM accuracy", x, points.stream().mapToDouble(Point::newClassCmAccuracy).toArray());
        });
        chart.build().write(outDir.resolve("new_class.png"));
        settings.put("dataset_name", data.name());
        settings.put("classes", n);
        settings.put("joining_class", joining);
        settings.put("new_class_test_images", newQueries.size());
        settings.put("processors", Runtime.getRuntime().availableProcessors());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", "new-class");
        root.put("created_at", Instant.now().toString());
        root.put("settings", settings);
        root.put("seconds", seconds);
        root.put("runs", runs);
        JSON.writeValue(outDir.resolve("results.json").toFile(), root);
        Files.writeString(outDir.resolve("results.md"), "# A class first seen mid-stream\n\n"
                + Tables.markdown(headings, rows) + "\n\nClass " + joining + " joins after " + warmupSteps
                + " steps on the others. New-class P@1: kNN@1 of its " + newQueries.size() + " test images against "
                + galleryPerClass + " train images of every class; CM acc.: the share of them whose nearest class-weight"
                + " row (cosine) is the new class's; all-class P@1: kNN@1 of up to " + queriesPerClass
                + " test images per class. Plot: `new_class.png`.\n");
        System.out.printf(Locale.ROOT, "%nwrote %s (%.0f s)%n", outDir, seconds);
        return 0;
    }

    private static Point evaluate(EmbeddingTrainer trainer, int steps, List<LabeledImage> gallery,
                                  List<LabeledImage> queries, List<LabeledImage> newQueries, int fresh) {
        KnnEvaluator knn = new KnnEvaluator(QueryEmbeddings.embed(trainer.model(), gallery),
                gallery.stream().mapToInt(LabeledImage::label).toArray());
        double all = knn.accuracy(QueryEmbeddings.embed(trainer.model(), queries),
                queries.stream().mapToInt(LabeledImage::label).toArray());
        float[][] newEmbeddings = QueryEmbeddings.embed(trainer.model(), newQueries);
        int[] newLabels = new int[newQueries.size()];
        Arrays.fill(newLabels, fresh);
        double p1 = knn.accuracy(newEmbeddings, newLabels);
        int classes = trainer.classes();
        double cm = 0;
        if (classes > fresh) {
            KnnEvaluator rows = new KnnEvaluator(rows(trainer.classWeights(), classes), range(classes));
            cm = rows.accuracy(newEmbeddings, newLabels);
        }
        return new Point(steps, classes, p1, cm, all);
    }

    private static float[][] rows(float[] flat, int count) {
        int d = flat.length / count;
        float[][] rows = new float[count][];
        for (int r = 0; r < count; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * d, (r + 1) * d);
        }
        return rows;
    }

    private static int[] range(int n) {
        int[] labels = new int[n];
        Arrays.setAll(labels, i -> i);
        return labels;
    }

    /** The images of each class, the joining class moved to the last index and the ones after it down by one. */
    private static List<List<LabeledImage>> byClass(List<LabeledImage> images, int classes, int joining) {
        List<List<LabeledImage>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (LabeledImage image : images) {
            int label = image.label() == joining ? classes - 1
                    : image.label() > joining ? image.label() - 1 : image.label();
            byClass.get(label).add(label == image.label() ? image : new LabeledImage(image.id(), label,
                    image.width(), image.height(), image.channels(), image.pixels()));
        }
        return byClass;
    }

    /** P classes of the first {@code classes}, K random images each, from its own generator. */
    private static final class Sampler {
        private final List<List<LabeledImage>> byClass;
        private final Rng rng;

        Sampler(List<List<LabeledImage>> byClass, long seed) {
            this.byClass = byClass;
            this.rng = new Rng(seed);
        }

        /** @param include a class the batch must hold, or -1 */
        TrainingBatch next(int classes, int p, int k, int include) {
            int[] order = rng.permutation(classes);
            List<Integer> chosen = new ArrayList<>();
            if (include >= 0) {
                chosen.add(include);
            }
            for (int i = 0; chosen.size() < p; i++) {
                if (order[i] != include) {
                    chosen.add(order[i]);
                }
            }
            List<LabeledImage> batch = new ArrayList<>(p * k);
            for (int c : chosen) {
                List<LabeledImage> images = byClass.get(c);
                for (int j = 0; j < k; j++) {
                    batch.add(images.get(rng.nextInt(images.size())));
                }
            }
            return TrainingBatch.of(batch);
        }
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
}
