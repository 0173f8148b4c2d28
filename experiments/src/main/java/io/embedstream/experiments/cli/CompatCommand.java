package io.embedstream.experiments.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedstream.experiments.QueryEmbeddings;
import io.embedstream.experiments.compat.CarryForwardFigures;
import io.embedstream.experiments.compat.IndexCarryForward;
import io.embedstream.experiments.compat.VersionEmbeddings;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.random.Rng;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.FitLoop;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.cli.Datasets;
import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.types.LabeledImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
 * Index compatibility across versions (issue 17): one training run publishes {@code --versions} versions at evenly
 * spaced steps; the first version's index (the train split, less the fit images) is scored against each later
 * version's queries (the test split) as it is, carried forward by the chain of maps fitted between consecutive
 * versions on {@code --fit-images} other train images, and re-embedded. Reports P@1 of each and the share of the
 * gap that each map recovers.
 */
@Command(name = "compat", mixinStandardHelpOptions = true,
        description = "Trains one model, keeps --versions versions along the way, and measures how well the first"
                + " version's index serves each later version's queries: as it is, carried forward by linear maps"
                + " (least squares, Procrustes with scale) fitted between consecutive versions, and re-embedded.")
public final class CompatCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--dataset", defaultValue = "synthetic",
            description = "synthetic, synthetic:TRAIN:TEST[:SEED] or idx:DIR (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--epochs", defaultValue = "2", description = "Passes over the train split (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "0", description = "Stop training after this many steps; 0 = all epochs (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--versions", defaultValue = "6",
            description = "Versions kept, at evenly spaced steps, the last at the end of training (default: ${DEFAULT-VALUE}).")
    int versions;

    @Option(names = "--fit-images", defaultValue = "1000",
            description = "Train images the maps are fitted on, left out of the index (default: ${DEFAULT-VALUE}).")
    int fitImages;

    @Option(names = "--index-images", defaultValue = "0",
            description = "Use only this many train images (a seeded subset) as the index and training set; 0 = all"
                    + " but the fit images (default: ${DEFAULT-VALUE}).")
    int indexImages;

    @Option(names = "--ridge", defaultValue = "1e-4",
            description = "Least-squares ridge, relative to the fit images' energy per dimension (default: ${DEFAULT-VALUE}).")
    double ridge;

    @Option(names = "--out", description = "Output directory for results.json and results.md (default: experiment-results/compat).")
    Path out;

    @Mixin
    TrainingOptions training;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = RunSettings.of(spec);
        if (versions < 2 || fitImages < 2 || indexImages < 0 || epochs < 1 || steps < 0 || batch < 2 || !(ridge >= 0)) {
            throw new IllegalArgumentException("need --versions >= 2, --fit-images >= 2, --index-images >= 0,"
                    + " --epochs >= 1, --steps >= 0, --batch >= 2 and --ridge >= 0");
        }
        LabeledDataset data = Datasets.load(dataset);
        if (fitImages >= data.train().size()) {
            throw new IllegalArgumentException("--fit-images " + fitImages + " leaves no index: the train split has "
                    + data.train().size() + " images");
        }
        LabeledImage first = data.train().get(0);
        int indexSize = indexImages > 0 ? Math.min(indexImages, data.train().size() - fitImages)
                : data.train().size() - fitImages;
        long total = ExperimentSetup.totalSteps(steps, epochs, batch, indexSize);
        TrainerConfig config = training.trainerConfig(first.height(), first.width(), first.channels(),
                data.numClasses(), total);
        // The fit images follow the trainer's --seed, so one seed names the whole run.
        int[] order = new Rng(Rng.mix(config.seed() ^ 0x636F6D70L)).permutation(data.train().size());
        List<LabeledImage> fit = new ArrayList<>();
        List<LabeledImage> gallery = new ArrayList<>();
        for (int i = 0; i < fitImages + indexSize; i++) {
            (i < fitImages ? fit : gallery).add(data.train().get(order[i]));
        }
        List<LabeledImage> queries = data.test();
        long[] at = new long[versions];
        for (int k = 0; k < versions; k++) {
            at[k] = Math.max(1, Math.round(total * (k + 1) / (double) versions));
        }
        System.out.printf(Locale.ROOT, "compat on %s: %d training steps, versions at steps %s; index %d images,"
                        + " queries %d, maps fitted on %d%n", data.name(), total, java.util.Arrays.toString(at),
                gallery.size(), queries.size(), fit.size());
        List<VersionEmbeddings> kept = new ArrayList<>();
        long t0 = System.nanoTime();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            // Trained on the index images only: the fit images play the held-out set, which no version learns from.
            new FitLoop(trainer, batch).run(gallery, null, epochs, total, (epoch, inEpoch, perEpoch, r) -> {
                long step = trainer.step() + trainer.skippedSteps();
                if (kept.size() < versions && step == at[kept.size()]) {
                    kept.add(new VersionEmbeddings(step, embed(trainer, gallery), embed(trainer, queries),
                            embed(trainer, fit)));
                    System.err.printf(Locale.ROOT, "  version %d at step %d (loss %.3f)%n", kept.size() - 1, step, r.loss());
                }
            });
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (kept.size() < 2) {
            throw new IllegalStateException("training ran fewer steps than the versions need: kept " + kept.size());
        }
        int[] galleryLabels = gallery.stream().mapToInt(LabeledImage::label).toArray();
        int[] queryLabels = queries.stream().mapToInt(LabeledImage::label).toArray();
        List<CarryForwardFigures> figures = new IndexCarryForward(ridge).run(kept, galleryLabels, queryLabels);

        List<String> headings = List.of("version", "step", "(a) old index", "(b) chain, least squares",
                "(b) chain, Procrustes", "(b) direct, least squares", "(b) direct, Procrustes", "(c) re-embedded",
                "recovered: chain LS", "chain Procrustes", "direct LS", "direct Procrustes");
        List<List<String>> rows = new ArrayList<>();
        for (CarryForwardFigures f : figures) {
            rows.add(List.of(String.valueOf(f.version()), String.valueOf(f.step()), pct(f.oldIndex()),
                    pct(f.leastSquares()), pct(f.procrustes()), pct(f.directLeastSquares()),
                    pct(f.directProcrustes()), pct(f.reembedded()), share(f.recovery(f.leastSquares())),
                    share(f.recovery(f.procrustes())), share(f.recovery(f.directLeastSquares())),
                    share(f.recovery(f.directProcrustes()))));
        }
        String table = Tables.aligned(headings, rows);
        System.out.println("\n" + table);
        Path outDir = out != null ? out : Path.of("experiment-results", "compat");
        Files.createDirectories(outDir);
        settings.put("dataset_name", data.name());
        settings.put("training_steps", total);
        settings.put("version_steps", at);
        settings.put("index_images", gallery.size());
        settings.put("query_images", queries.size());
        settings.put("processors", Runtime.getRuntime().availableProcessors());
        settings.put("java", System.getProperty("java.version"));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", "compat");
        root.put("created_at", Instant.now().toString());
        root.put("settings", settings);
        root.put("training_and_embedding_seconds", seconds);
        List<Map<String, Object>> list = new ArrayList<>();
        for (CarryForwardFigures f : figures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", f.version());
            m.put("step", f.step());
            m.put("old_index_p_at_1", f.oldIndex());
            m.put("least_squares_p_at_1", f.leastSquares());
            m.put("procrustes_p_at_1", f.procrustes());
            m.put("direct_least_squares_p_at_1", f.directLeastSquares());
            m.put("direct_procrustes_p_at_1", f.directProcrustes());
            m.put("reembedded_p_at_1", f.reembedded());
            m.put("least_squares_recovery", finiteOrNull(f.recovery(f.leastSquares())));
            m.put("procrustes_recovery", finiteOrNull(f.recovery(f.procrustes())));
            m.put("direct_least_squares_recovery", finiteOrNull(f.recovery(f.directLeastSquares())));
            m.put("direct_procrustes_recovery", finiteOrNull(f.recovery(f.directProcrustes())));
            list.add(m);
        }
        root.put("versions", list);
        JSON.writeValue(outDir.resolve("results.json").toFile(), root);
        Files.writeString(outDir.resolve("results.md"), "# Index compatibility on " + data.name() + "\n\nP@1 of each"
                + " version's test queries against the first version's index (" + gallery.size() + " train images)."
                + " Maps fitted between consecutive versions on " + fit.size() + " other train images; "
                + total + " training steps in " + String.format(Locale.ROOT, "%.0f", seconds) + " s.\n\n"
                + Tables.markdown(headings, rows));
        System.out.println("wrote " + outDir.resolve("results.json") + " and results.md");
        return 0;
    }

    private static float[][] embed(EmbeddingTrainer trainer, List<LabeledImage> images) {
        return trainer.model().embed(images, QueryEmbeddings.BATCH);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    private static String share(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
