package io.embedstream.experiments.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedstream.experiments.QueryEmbeddings;
import io.embedstream.experiments.compat.CarryForwardFigures;
import io.embedstream.experiments.compat.EmbeddingsFile;
import io.embedstream.experiments.compat.IndexCarryForward;
import io.embedstream.experiments.compat.MapVariant;
import io.embedstream.experiments.compat.VersionEmbeddings;
import io.embedstream.connectors.model.ModelDirectoryReader;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.model.compat.EmbeddingMap;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.Devices;
import io.embedstream.serving.CompatibilityChain;
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
            description = "Fixed least-squares ridge, relative to the fit images' energy per dimension; a map with it is"
                    + " measured besides the standard ones (which include ridge 1e-4) when it differs (default: ${DEFAULT-VALUE}).")
    double ridge;

    @Option(names = "--fit-sizes",
            description = "Fit each map on the first N of the fit images, for each N given (each at most --fit-images;"
                    + " default: --fit-images alone). Direct maps use all --fit-images.")
    String fitSizes;

    @Option(names = "--w-bct", defaultValue = "0",
            description = "Weight of a backward-compatibility term (BCT, Shen et al. 2020): each version's embeddings are"
                    + " also scored by the previous kept version's class weights, held constant, with the CM margin"
                    + " softmax; 0 = off (default: ${DEFAULT-VALUE}).")
    float bctWeight;

    @Option(names = "--save-embeddings",
            description = "Also write every version's embeddings (and labels, class weights) to this directory, so that"
                    + " maps can be compared again with --from-embeddings without training.")
    Path saveEmbeddings;

    @Option(names = "--from-embeddings",
            description = "Skip training: read the versions' embeddings that --save-embeddings wrote to this directory"
                    + " (--dataset and the training options are then not used).")
    Path fromEmbeddings;

    @Option(names = "--from-models",
            description = "Skip training: measure the promoted versions that a job wrote to this model directory"
                    + " (publish.model-dir), in version order, with the maps the job published (compat_map, composed as"
                    + " a subscriber composes them) besides the variants fitted here. --dataset gives the images: the"
                    + " fit images and the index are train images (the job trained on them), the queries the test split.")
    Path fromModels;

    @Option(names = "--max-versions", defaultValue = "0",
            description = "With --from-models: at most this many promoted versions, from the first; 0 = all"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxVersions;

    @Option(names = "--out", description = "Output directory for results.json and results.md (default: experiment-results/compat).")
    Path out;

    @Mixin
    TrainingOptions training;

    @Spec
    CommandSpec spec;

    /** With --from-models: the published map from the first kept version to each (null at 0 and where a link is missing). */
    private List<EmbeddingMap> publishedMaps;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = RunSettings.of(spec);
        if (fromModels != null && fromEmbeddings != null) {
            throw new IllegalArgumentException("give --from-models or --from-embeddings, not both");
        }
        if (maxVersions < 0 || maxVersions == 1) {
            throw new IllegalArgumentException("--max-versions must be 0 (all) or at least 2, got " + maxVersions);
        }
        if (versions < 2 || fitImages < 2 || indexImages < 0 || epochs < 1 || steps < 0 || batch < 2 || !(ridge >= 0)
                || !(bctWeight >= 0) || !Float.isFinite(bctWeight)) {
            throw new IllegalArgumentException("need --versions >= 2, --fit-images >= 2, --index-images >= 0,"
                    + " --epochs >= 1, --steps >= 0, --batch >= 2, --ridge >= 0 and --w-bct >= 0");
        }
        int[] sizes;
        try {
            sizes = fitSizes == null || fitSizes.isBlank() ? new int[] {fitImages}
                    : java.util.Arrays.stream(fitSizes.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--fit-sizes takes numbers separated by commas, got " + fitSizes);
        }
        for (int size : sizes) {
            if (size < 5 || size > fitImages) {
                throw new IllegalArgumentException("each of --fit-sizes must be in [5, --fit-images " + fitImages
                        + "], got " + size);
            }
        }
        long t0 = System.nanoTime();
        EmbeddingsFile.Contents run = fromEmbeddings != null ? EmbeddingsFile.read(fromEmbeddings)
                : fromModels != null ? promotedVersions(settings) : train(settings);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (run.fitLabels().length < fitImages) {
            throw new IllegalArgumentException("--fit-images " + fitImages + " is more than the " + run.fitLabels().length
                    + " fit images of " + fromEmbeddings);
        }
        List<VersionEmbeddings> kept = run.versions().stream().map(v -> new VersionEmbeddings(v.step(), v.gallery(),
                v.queries(), java.util.Arrays.copyOf(v.fit(), fitImages), v.classWeights())).toList();
        int[] fitLabels = java.util.Arrays.copyOf(run.fitLabels(), fitImages);
        if (saveEmbeddings != null) {
            EmbeddingsFile.write(saveEmbeddings, new EmbeddingsFile.Contents(run.datasetName(), kept,
                    run.galleryLabels(), run.queryLabels(), fitLabels));
            System.out.println("wrote the versions' embeddings to " + saveEmbeddings);
        }
        List<MapVariant> variants = new ArrayList<>(MapVariant.standard());
        if (ridge != 1e-4) {
            variants.add(MapVariant.leastSquares(ridge));
        }
        long t1 = System.nanoTime();
        List<CarryForwardFigures> figures = new IndexCarryForward(variants, sizes).run(kept, run.galleryLabels(),
                run.queryLabels(), fitLabels, publishedMaps);
        double mapSeconds = (System.nanoTime() - t1) / 1e9;

        List<String> headings = new ArrayList<>(List.of("map", "fit images", "kind"));
        for (CarryForwardFigures f : figures.subList(1, figures.size())) {
            headings.add("v" + f.version() + " (step " + f.step() + ")");
        }
        headings.add("recovered, all versions");
        List<List<String>> rows = new ArrayList<>();
        rows.add(fixedRow("(a) old index as it is", figures, CarryForwardFigures::oldIndex));
        rows.add(fixedRow("(c) re-embedded", figures, CarryForwardFigures::reembedded));
        List<Map<String, Object>> aggregates = new ArrayList<>();
        for (CarryForwardFigures.Carried c : figures.get(1).carried()) {
            List<String> row = new ArrayList<>(List.of(c.map(), c.fitImages() == 0 ? "its held-out set" : String.valueOf(c.fitImages()),
                    c.chained() ? "chain" : "direct"));
            for (CarryForwardFigures f : figures.subList(1, figures.size())) {
                double p = f.carried(c.map(), c.fitImages(), c.chained());
                row.add(pct(p) + " (" + share(f.recovery(p)) + ")");
            }
            double all = CarryForwardFigures.aggregateRecovery(figures, c.map(), c.fitImages(), c.chained());
            row.add(share(all));
            rows.add(row);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("map", c.map());
            m.put("fit_images", c.fitImages());
            m.put("chained", c.chained());
            m.put("recovery_all_versions", finiteOrNull(all));
            aggregates.add(m);
        }
        String table = Tables.aligned(headings, rows);
        System.out.println("\n" + table);
        Path outDir = out != null ? out : Path.of("experiment-results", "compat");
        Files.createDirectories(outDir);
        settings.put("dataset_name", run.datasetName());
        settings.put("version_steps", kept.stream().mapToLong(VersionEmbeddings::step).toArray());
        settings.put("index_images", run.galleryLabels().length);
        settings.put("query_images", run.queryLabels().length);
        settings.put("fit_sizes", sizes);
        settings.put("processors", Runtime.getRuntime().availableProcessors());
        settings.put("java", System.getProperty("java.version"));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", "compat");
        root.put("created_at", Instant.now().toString());
        root.put("settings", settings);
        root.put(fromEmbeddings != null ? "reading_embeddings_seconds" : "training_and_embedding_seconds", seconds);
        root.put("map_fitting_and_scoring_seconds", mapSeconds);
        List<Map<String, Object>> list = new ArrayList<>();
        for (CarryForwardFigures f : figures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", f.version());
            m.put("step", f.step());
            m.put("old_index_p_at_1", f.oldIndex());
            m.put("reembedded_p_at_1", f.reembedded());
            List<Map<String, Object>> carried = new ArrayList<>();
            for (CarryForwardFigures.Carried c : f.carried()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("map", c.map());
                e.put("fit_images", c.fitImages());
                e.put("chained", c.chained());
                e.put("p_at_1", c.precisionAt1());
                e.put("recovery", finiteOrNull(f.recovery(c.precisionAt1())));
                carried.add(e);
            }
            m.put("carried", carried);
            list.add(m);
        }
        root.put("versions", list);
        root.put("recovery_all_versions", aggregates);
        JSON.writeValue(outDir.resolve("results.json").toFile(), root);
        Files.writeString(outDir.resolve("results.md"), "# Index compatibility on " + run.datasetName() + "\n\nP@1 of"
                + " each version's " + run.queryLabels().length + " test queries against the first version's index ("
                + run.galleryLabels().length + " train images), and in brackets the share of the gap (c) − (a) it"
                + " recovers; the last column is Σ(b − a) / Σ(c − a) over the versions. Maps fitted on the first N of "
                + fitImages + " other train images, chained between consecutive versions or direct from the first.\n\n"
                + Tables.markdown(headings, rows));
        System.out.println("wrote " + outDir.resolve("results.json") + " and results.md");
        return 0;
    }

    private EmbeddingsFile.Contents train(Map<String, Object> settings) throws java.io.IOException {
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
        if (bctWeight > 0) {
            config = config.toBuilder().objective(config.objective().toBuilder().bctWeight(bctWeight).build()).build();
        }
        // The fit images follow the trainer's --seed, so one seed names the whole run.
        List<LabeledImage> fit = new ArrayList<>();
        List<LabeledImage> gallery = new ArrayList<>();
        split(data, config.seed(), indexSize, fit, gallery);
        List<LabeledImage> queries = data.test();
        long[] at = new long[versions];
        for (int k = 0; k < versions; k++) {
            at[k] = Math.max(1, Math.round(total * (k + 1) / (double) versions));
        }
        System.out.printf(Locale.ROOT, "compat on %s: %d training steps, versions at steps %s; index %d images,"
                        + " queries %d, maps fitted on %d%n", data.name(), total, java.util.Arrays.toString(at),
                gallery.size(), queries.size(), fit.size());
        settings.put("training_steps", total);
        List<VersionEmbeddings> kept = new ArrayList<>();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            // Trained on the index images only: the fit images play the held-out set, which no version learns from.
            new FitLoop(trainer, batch).run(gallery, null, epochs, total, (epoch, inEpoch, perEpoch, r) -> {
                long step = trainer.step() + trainer.skippedSteps();
                if (kept.size() < versions && step == at[kept.size()]) {
                    kept.add(new VersionEmbeddings(step, embed(trainer, gallery), embed(trainer, queries),
                            embed(trainer, fit), trainer.classWeights()));
                    // The next versions stay compatible with this one (with --w-bct; a no-op without).
                    trainer.compatibleWith(trainer.classWeights());
                    System.err.printf(Locale.ROOT, "  version %d at step %d (loss %.3f)%n", kept.size() - 1, step, r.loss());
                }
            });
        }
        if (kept.size() < 2) {
            throw new IllegalStateException("training ran fewer steps than the versions need: kept " + kept.size());
        }
        return contents(data.name(), kept, gallery, queries, fit);
    }

    /**
     * The promoted versions of {@code --from-models} embed the fit images, the index and the queries, split as
     * {@link #train} splits them; {@link #publishedMaps} gets the maps the job published between them.
     */
    private EmbeddingsFile.Contents promotedVersions(Map<String, Object> settings) throws java.io.IOException {
        ModelDirectoryReader reader = new ModelDirectoryReader(fromModels);
        List<Long> all = reader.versions();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("model directory " + fromModels + " holds no model version (v<N>/)");
        }
        CompatibilityChain chain = new CompatibilityChain();
        List<PublishedModel> promoted = new ArrayList<>();
        for (long version : all) {
            PublishedModel model = reader.read(version);
            if (reader.promoted(model)) {
                chain.record(model.manifest());
                promoted.add(model);
                if (promoted.size() == maxVersions) {
                    break;
                }
            }
        }
        if (promoted.size() < 2) {
            throw new IllegalArgumentException("model directory " + fromModels + " holds " + promoted.size()
                    + " promoted versions of " + all.size() + "; a chain needs at least 2");
        }
        LabeledDataset data = Datasets.load(dataset);
        NetworkConfig first = ManifestNetwork.of(promoted.get(0).manifest());
        if (data.width() != first.width() || data.height() != first.height() || data.channels() != first.channels()) {
            throw new IllegalArgumentException("dataset " + data.name() + " has " + data.width() + "x" + data.height()
                    + "x" + data.channels() + " images, model version " + promoted.get(0).version() + " expects "
                    + first.width() + "x" + first.height() + "x" + first.channels());
        }
        if (fitImages >= data.train().size()) {
            throw new IllegalArgumentException("--fit-images " + fitImages + " leaves no index: the train split has "
                    + data.train().size() + " images");
        }
        int indexSize = indexImages > 0 ? Math.min(indexImages, data.train().size() - fitImages)
                : data.train().size() - fitImages;
        List<LabeledImage> fit = new ArrayList<>();
        List<LabeledImage> gallery = new ArrayList<>();
        split(data, training.seed, indexSize, fit, gallery);
        List<LabeledImage> queries = data.test();
        System.out.printf(Locale.ROOT, "compat on %s: promoted versions %s of %d in %s; index %d images, queries %d,"
                        + " maps fitted here on %d%n", data.name(), promoted.stream().map(PublishedModel::version).toList(),
                all.size(), fromModels, gallery.size(), queries.size(), fit.size());
        List<VersionEmbeddings> kept = new ArrayList<>();
        publishedMaps = new ArrayList<>();
        ai.djl.Device device = Devices.parse(training.device);
        for (PublishedModel model : promoted) {
            try (EmbeddingModel net = EmbeddingModel.fromParameters(ManifestNetwork.of(model.manifest()), device,
                    model.parameters())) {
                kept.add(new VersionEmbeddings(model.manifest().trainingStep(), net.embed(gallery, QueryEmbeddings.BATCH),
                        net.embed(queries, QueryEmbeddings.BATCH), net.embed(fit, QueryEmbeddings.BATCH)));
            }
            publishedMaps.add(kept.size() == 1 ? null : chain.between(promoted.get(0).version(), model.version(),
                    model.manifest().embeddingSize()).orElse(null));
            System.err.printf(Locale.ROOT, "  version %d (step %d) embedded; published map from version %d: %s%n",
                    model.version(), model.manifest().trainingStep(), promoted.get(0).version(),
                    kept.size() == 1 ? "(first)" : publishedMaps.get(kept.size() - 1) != null ? "yes" : "missing");
        }
        settings.put("promoted_versions", promoted.stream().mapToLong(PublishedModel::version).toArray());
        settings.put("versions_in_directory", all.size());
        return contents(data.name(), kept, gallery, queries, fit);
    }

    /** The first {@code --fit-images} of a seeded permutation of the train split, then {@code indexSize} for the index. */
    private void split(LabeledDataset data, long seed, int indexSize, List<LabeledImage> fit, List<LabeledImage> gallery) {
        int[] order = new Rng(Rng.mix(seed ^ 0x636F6D70L)).permutation(data.train().size());
        for (int i = 0; i < fitImages + indexSize; i++) {
            (i < fitImages ? fit : gallery).add(data.train().get(order[i]));
        }
    }

    private static EmbeddingsFile.Contents contents(String name, List<VersionEmbeddings> kept, List<LabeledImage> gallery,
                                                    List<LabeledImage> queries, List<LabeledImage> fit) {
        return new EmbeddingsFile.Contents(name, kept, gallery.stream().mapToInt(LabeledImage::label).toArray(),
                queries.stream().mapToInt(LabeledImage::label).toArray(),
                fit.stream().mapToInt(LabeledImage::label).toArray());
    }

    private static List<String> fixedRow(String name, List<CarryForwardFigures> figures,
                                         java.util.function.ToDoubleFunction<CarryForwardFigures> value) {
        List<String> row = new ArrayList<>(List.of(name, "", ""));
        for (CarryForwardFigures f : figures.subList(1, figures.size())) {
            row.add(pct(value.applyAsDouble(f)));
        }
        row.add("");
        return row;
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
