package io.embedstream.experiments.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedstream.experiments.versus.ReferenceLoop;
import io.embedstream.experiments.versus.SideRun;
import io.embedstream.experiments.versus.TorchSide;
import io.embedstream.experiments.versus.VersusSummary;
import io.embedstream.connectors.model.ModelDirectoryReader;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.train.Devices;
import io.embedstream.pipeline.cli.DemoCommand;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.model.eval.CorruptionEvaluator;
import io.embedstream.model.eval.CorruptionReport;
import io.embedstream.model.eval.KnnEvaluator;
import io.embedstream.model.eval.LabeledEmbeddings;
import io.embedstream.model.eval.SimilarityMetric;
import io.embedstream.model.net.ParameterInit;
import io.embedstream.model.train.DecayOn;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.FitLoop;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.cli.Datasets;
import io.embedstream.pipeline.cli.StreamOrder;
import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.types.LabeledImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.util.FileUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fit} against the plain PyTorch reference loop in one run (issue 19, item 2): the same images, seeds and
 * recipe, initialisation and decay scope included (--init, --decay-on); Java trains with FitLoop in this process,
 * the loop runs as a subprocess, and the same Java evaluator
 * scores both models on the same clean and corrupted test images. With {@code --sides stream,...} the streaming job
 * itself ({@code demo}'s path in this process: an embedded Kafka broker and a Flink MiniCluster) trains on the same
 * train images at the same image budget, and its last published version is scored by the same evaluator.
 */
@Command(name = "versus-pytorch", mixinStandardHelpOptions = true,
        description = "Trains with fit's FitLoop and with the PyTorch reference loop (python/embedstream_torch, run"
                + " by Debian's python3-torch) on the same images, seeds and recipe, then scores both models with the"
                + " same Java evaluator: clean test P@1, P@1 under unseen corruptions per kind and level, and training"
                + " images/s. Writes results.json and results.md.")
public final class VersusPytorchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int EMBED_BATCH = 256;

    @Option(names = "--dataset", defaultValue = "synthetic",
            description = "synthetic, synthetic:TRAIN:TEST[:SEED] or idx:DIR (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the train split (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "0", description = "Stop training after this many steps; 0 = all epochs (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seeds", defaultValue = "1",
            description = "Runs per side, with seeds --seed, --seed + 1, ...; figures are mean ± sd (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--validation", defaultValue = "0",
            description = "Hold out this many train images (seed 13) and score both sides on them instead of the test"
                    + " split: choose recipes on this, never on the test split; 0 = the test split (default: ${DEFAULT-VALUE}).")
    int validation;

    @Option(names = "--corruptions", defaultValue = "all", paramLabel = "none|all|KIND[,KIND...]",
            description = "Unseen corruptions scored at levels 1-3: rotate, gamma, salt-pepper, occlusion, pixelate,"
                    + " all or none (default: ${DEFAULT-VALUE}).")
    String corruptions;

    @Option(names = "--corruption-seed", defaultValue = "1",
            description = "Seed of the corruptions' random choices, the same for both models (default: ${DEFAULT-VALUE}).")
    long corruptionSeed;

    @Option(names = "--python", description = "Interpreter with torch (default: EMBEDSTREAM_PYTHON, else /usr/bin/python3).")
    Path python;

    @Option(names = "--python-dir", description = "The repository's python/ folder (default: found in or above the working directory).")
    Path pythonDir;

    @Option(names = "--loop-threads", defaultValue = "0",
            description = "torch intra-op threads of the loop; 0 = torch's default (default: ${DEFAULT-VALUE}).")
    int loopThreads;

    @Option(names = "--out", description = "Output directory for results.json, results.md and the loop's logs (default: experiment-results/versus-pytorch).")
    Path out;

    @Option(names = "--sides", defaultValue = "fit,loop", split = ",", paramLabel = "fit|stream|loop",
            description = "Which sides train, in table order; the loop is the reference and always runs. stream = the"
                    + " streaming job as demo runs it (embedded Kafka + Flink MiniCluster) on the same train images and"
                    + " image budget (default: ${DEFAULT-VALUE}).")
    List<String> sides;

    @Option(names = "--no-loop",
            description = "Skip the reference loop: screen recipes of fit or the stream against each other (e.g. on"
                    + " --validation) in a fraction of the time; the tables then have no differences from the loop.")
    boolean noLoop;

    @Option(names = "--degraded-share", defaultValue = "0.2",
            description = "The stream side's share of degraded images, as demo's option (default: ${DEFAULT-VALUE}).")
    double degradedShare;

    @Option(names = "--stream-order", defaultValue = "shuffled", paramLabel = "shuffled|stored",
            description = "The stream side's image order within each pass, as demo's --order (default: ${DEFAULT-VALUE}).")
    String streamOrder;

    @Option(names = "--stream-set", paramLabel = "KEY=VALUE",
            description = "A job setting of the stream side, as demo's --set (repeatable), e.g. batcher.samples-per-class=8.")
    List<String> streamSettings = new ArrayList<>();

    @Mixin
    TrainingOptions training;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = RunSettings.of(spec);
        CorruptionSet kinds = CorruptionSet.parse(corruptions);
        ReferenceLoop loop = checkedOptions();
        LabeledDataset loaded = Datasets.load(dataset);
        if (validation >= loaded.train().size()) {
            throw new IllegalArgumentException("--validation " + validation + " leaves no train images of "
                    + loaded.train().size());
        }
        LabeledDataset data = validation > 0 ? loaded.validationSplit(validation, 13) : loaded;
        if (data.train().size() < batch) {
            throw new IllegalArgumentException("--batch " + batch + " is larger than the train split ("
                    + data.train().size() + " images)");
        }
        Path outDir = out != null ? out : Path.of("experiment-results", "versus-pytorch");
        Files.createDirectories(outDir);
        LabeledImage first = data.train().get(0);
        long perEpoch = FitLoop.stepsPerEpoch(data.train().size(), batch);
        long total = steps > 0 ? Math.min(steps, perEpoch * epochs) : perEpoch * epochs;
        TrainerConfig base = training.trainerConfig(first.height(), first.width(), first.channels(),
                data.numClasses(), total);
        System.out.printf(Locale.ROOT, "versus-pytorch on %s: %d train / %d test, %d steps of %d, %d seed(s) from %d;"
                        + " init %s, decay on %s on both sides; corruptions %s%n", data.name(), data.train().size(),
                data.test().size(), total, batch, seeds, base.seed(), training.init, training.decayOn, corruptions);
        int[] trainLabels = data.train().stream().mapToInt(LabeledImage::label).toArray();
        CorruptionEvaluator evaluator = new CorruptionEvaluator(SimilarityMetric.COSINE, corruptionSeed);
        List<SideRun> fitRuns = new ArrayList<>();
        List<SideRun> streamRuns = new ArrayList<>();
        List<SideRun> loopRuns = new ArrayList<>();
        List<Map<String, Object>> loopResults = new ArrayList<>();
        try (TorchSide torch = TorchSide.prepare(outDir.resolve("work"), data, kinds, corruptionSeed,
                loop != null)) {
            for (int i = 0; i < seeds; i++) {
                TrainerConfig config = base.toBuilder().seed(base.seed() + i).build();
                if (sides.contains("fit")) {
                    SideRun fit = trainFit(config, data, trainLabels, evaluator, kinds);
                    fitRuns.add(fit);
                    System.out.printf(Locale.ROOT, "seed %d fit: clean %.2f%% (fit's own kNN: %.2f%%), mean unseen %.2f%%,"
                                    + " %.1f images/s%n", config.seed(), 100 * fit.report().clean(), 100 * fit.ownClean(),
                            100 * fit.report().mean(), fit.imagesPerSecond());
                }
                if (sides.contains("stream")) {
                    SideRun stream = trainStream(config, torch.datasetDir(), data, total * batch, trainLabels, evaluator,
                            kinds, outDir.resolve("stream-seed-" + config.seed()));
                    streamRuns.add(stream);
                    System.out.printf(Locale.ROOT, "seed %d stream: clean %.2f%% (own kNN: %.2f%%), mean unseen %.2f%%,"
                                    + " %.1f images/s, step %d%n", config.seed(), 100 * stream.report().clean(),
                            100 * stream.ownClean(), 100 * stream.report().mean(), stream.imagesPerSecond(), stream.steps());
                }
                if (loop == null) {
                    continue;
                }
                Path log = outDir.resolve("loop-seed-" + config.seed() + ".log");
                ReferenceLoop.Result r = loop.run(loopArgs(torch.datasetDir(), config.seed()), torch.setsDir(),
                        outDir.resolve("loop-seed-" + config.seed() + ".json"), log);
                CorruptionReport report = evaluator.evaluate(torch.embedder(), data.test(),
                        LabeledEmbeddings.of(torch.gallery(), trainLabels), kinds);
                loopRuns.add(new SideRun("pytorch loop", config.seed(), report, r.imagesPerSecond(), r.trainSeconds(),
                        r.steps(), r.skipped(), r.ownPrecisionAt1()));
                Map<String, Object> own = new LinkedHashMap<>();
                own.put("seed", config.seed());
                own.put("loop_result", r.json());
                loopResults.add(own);
                System.out.printf(Locale.ROOT, "seed %d pytorch loop: clean %.2f%% (the loop's own kNN: %.2f%%), mean"
                                + " unseen %.2f%%, %.1f images/s%n", config.seed(), 100 * report.clean(),
                        100 * r.ownPrecisionAt1(), 100 * report.mean(), r.imagesPerSecond());
            }
        }
        Map<String, List<SideRun>> bySide = new LinkedHashMap<>();
        for (String side : sides) {
            bySide.put(side.equals("fit") ? VersusSummary.FIT : side.equals("stream") ? VersusSummary.STREAM
                    : VersusSummary.LOOP, side.equals("fit") ? fitRuns : side.equals("stream") ? streamRuns : loopRuns);
        }
        if (loop != null) {
            bySide.putIfAbsent(VersusSummary.LOOP, loopRuns);
        }
        VersusSummary summary = new VersusSummary(bySide);
        List<SideRun> all = new ArrayList<>(fitRuns);
        all.addAll(streamRuns);
        all.addAll(loopRuns);
        write(outDir, settings, data, total, summary, all, loopResults);
        return 0;
    }

    /**
     * Every option the run depends on, checked before the dataset is loaded or anything trains.
     *
     * @return the reference loop, null with {@code --no-loop}
     */
    private ReferenceLoop checkedOptions() throws Exception {
        if (epochs < 1 || steps < 0 || batch < 2 || seeds < 1 || loopThreads < 0) {
            throw new IllegalArgumentException("need --epochs >= 1, --steps >= 0, --batch >= 2, --seeds >= 1 and"
                    + " --loop-threads >= 0");
        }
        if (validation < 0) {
            throw new IllegalArgumentException("need --validation >= 0");
        }
        sides = sides.stream().map(x -> x.trim().toLowerCase(Locale.ROOT)).distinct().toList();
        for (String side : sides) {
            if (!Set.of("fit", "stream", "loop").contains(side)) {
                throw new IllegalArgumentException("unknown side '" + side + "' in --sides; expected fit, stream or loop");
            }
        }
        if (sides.stream().noneMatch(x -> !x.equals("loop"))) {
            throw new IllegalArgumentException("--sides needs fit or stream besides the loop, got " + sides);
        }
        if (noLoop && sides.contains("loop")) {
            throw new IllegalArgumentException("--no-loop and --sides " + String.join(",", sides)
                    + " contradict each other: leave loop out of --sides or drop --no-loop");
        }
        StreamOrder.parse("--stream-order", streamOrder);
        if (!(degradedShare >= 0 && degradedShare <= 1)) {
            throw new IllegalArgumentException("--degraded-share must be in [0, 1], got " + degradedShare);
        }
        if (training.plainSoftmax && !noLoop) {
            throw new IllegalArgumentException("--plain-softmax has no counterpart in the reference loop, which trains"
                    + " the combined objective only");
        }
        // Parsing the recipe here turns a bad --arch, --optimizer or --schedule into a sentence before training.
        training.trainerConfig(28, 28, 1, 10, 1);
        if (noLoop) {
            return null;
        }
        Path dir = pythonDir != null ? pythonDir : ReferenceLoop.findPythonDir(Path.of(""));
        if (dir == null) {
            throw new IllegalArgumentException("no python/embedstream_torch in or above " + Path.of("").toAbsolutePath()
                    + "; pass --python-dir");
        }
        ReferenceLoop loop = new ReferenceLoop(python != null ? python : ReferenceLoop.defaultPython(), dir);
        loop.check();
        return loop;
    }

    private SideRun trainFit(TrainerConfig config, LabeledDataset data, int[] trainLabels,
                             CorruptionEvaluator evaluator, CorruptionSet kinds) {
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            long start = System.nanoTime();
            long ran = new FitLoop(trainer, batch).run(data.train(), null, epochs, steps, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            // Timed as fit times it: the training loop alone, without loading or evaluation.
            float[][] gallery = trainer.model().embed(data.train(), EMBED_BATCH);
            CorruptionReport report = evaluator.evaluate(images -> trainer.model().embed(images, EMBED_BATCH),
                    data.test(), LabeledEmbeddings.of(gallery, trainLabels), kinds);
            int[] predicted = new KnnEvaluator(gallery, trainLabels).predict(trainer.model().embed(data.test(), EMBED_BATCH));
            int hits = 0;
            for (int i = 0; i < predicted.length; i++) {
                hits += predicted[i] == data.test().get(i).label() ? 1 : 0;
            }
            return new SideRun("fit", config.seed(), report, ran * batch / seconds, seconds, trainer.step(),
                    trainer.skippedSteps(), hits / (double) predicted.length);
        }
    }

    /**
     * The streaming job as {@code demo} runs it, in this process, on the IDX copy of the train split the loop reads:
     * {@code images} images (the other sides' image budget; demo runs its schedule over images / batch steps), versions
     * published at the product's cadence (every 100 steps or 60 s; the gate evaluates each one, so publishing at every
     * step would slow the stream down), the last one when the trainer goes idle at the stream's end
     * ({@code publish.when-idle-seconds}), then that version scored by the shared evaluator. Every training option
     * given to this command goes to the stream too.
     */
    private SideRun trainStream(TrainerConfig config, Path datasetDir, LabeledDataset data, long images,
                                int[] trainLabels, CorruptionEvaluator evaluator, CorruptionSet kinds, Path work)
            throws java.io.IOException {
        FileUtils.deleteDirectory(work.toFile());
        List<String> args = new ArrayList<>(List.of("--dataset", "idx:" + datasetDir.toAbsolutePath(),
                "--images", Long.toString(images), "--degraded-share", Double.toString(degradedShare),
                "--order", streamOrder,
                "--work-dir", work.toAbsolutePath().toString(), "--no-eval", "--seed", Long.toString(config.seed()),
                "--set", "publish.every-steps=100", "--set", "publish.every-seconds=60"));
        args.addAll(forwardedTrainingOptions());
        for (String setting : streamSettings) {
            args.addAll(List.of("--set", setting));
        }
        DemoCommand demo = new DemoCommand();
        int code = new CommandLine(demo).execute(args.toArray(String[]::new));
        if (code != 0 || demo.figures() == null) {
            throw new IllegalStateException("the stream side failed (demo exit code " + code + ") with " + args);
        }
        DemoCommand.StreamFigures figures = demo.figures();
        if (figures.trainedFresh() < 0.8 * images) {
            // A side that stopped early would be scored as if it had trained on the whole budget.
            throw new IllegalStateException(String.format(Locale.ROOT, "the stream side trained on %,d of its %,d images"
                    + " (less than 80%%: the demo stopped early, see its output above); no figures written",
                    figures.trainedFresh(), images));
        }
        PublishedModel latest = new ModelDirectoryReader(work.resolve("models")).latest()
                .orElseThrow(() -> new IllegalStateException("the stream published no model version in " + work));
        try (EmbeddingModel model = EmbeddingModel.fromParameters(config.network(), Devices.parse(config.device()),
                latest.parameters())) {
            float[][] gallery = model.embed(data.train(), EMBED_BATCH);
            CorruptionReport report = evaluator.evaluate(batch -> model.embed(batch, EMBED_BATCH), data.test(),
                    LabeledEmbeddings.of(gallery, trainLabels), kinds);
            double own = new KnnEvaluator(gallery, trainLabels).accuracy(model.embed(data.test(), EMBED_BATCH),
                    data.test().stream().mapToInt(LabeledImage::label).toArray());
            System.out.printf(Locale.ROOT, "stream seed %d: version %d at step %d of the %d steps run; %d fresh images"
                            + " trained, %d timed in %.1f s%n", config.seed(), latest.manifest().version(),
                    latest.manifest().trainingStep(), figures.trainerSteps(), figures.trainedFresh(),
                    figures.timedImages(), figures.seconds());
            if (latest.manifest().trainingStep() < figures.trainerSteps()) {
                System.out.printf(Locale.ROOT, "WARNING: the scored version misses the stream's last %d step(s) (or"
                        + " they were skipped by the trainer's guard)%n",
                        figures.trainerSteps() - latest.manifest().trainingStep());
            }
            return new SideRun("stream", config.seed(), report, figures.imagesPerSecond(), figures.seconds(),
                    latest.manifest().trainingStep(), 0, own);
        } finally {
            // The stream's Kafka log and checkpoints are hundreds of megabytes; the figures are in results.json.
            FileUtils.deleteDirectory(work.toFile());
        }
    }

    /** The training options given on this command line, as options of demo (--seed excluded: it is set per seed). */
    private List<String> forwardedTrainingOptions() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        List<String> a = new ArrayList<>();
        for (OptionSpec o : spec.mixins().get("training").options()) {
            if (o.longestName().equals("--seed") || !parsed.hasMatchedOption(o.longestName())) {
                continue;
            }
            OptionSpec matched = parsed.matchedOption(o.longestName());
            if (o.arity().max() == 0) {
                a.add(o.longestName());
                continue;
            }
            for (String v : matched.originalStringValues()) {
                a.add(o.longestName());
                a.add(v);
            }
        }
        return a;
    }

    /** reference_loop's options for this recipe: every TrainingOptions value it has, by the same name. */
    private List<String> loopArgs(Path datasetDir, long seed) {
        List<String> a = new ArrayList<>(List.of("--dataset", "idx:" + datasetDir, "--seed", Long.toString(seed),
                "--epochs", Integer.toString(epochs), "--steps", Long.toString(steps), "--batch", Integer.toString(batch),
                "--init", loopInit(), "--decay-on", DecayOn.parse(training.decayOn).cliName(), "--threads", Integer.toString(loopThreads),
                "--arch", training.architecture, "--embedding", Integer.toString(training.embeddingSize),
                "--optimizer", training.optimizer.trim().toLowerCase(Locale.ROOT), "--schedule", training.schedule,
                "--momentum", Float.toString(training.momentum), "--weight-decay", Float.toString(training.weightDecay),
                "--clip", Float.toString(training.clip), "--w-cm", Float.toString(training.cmWeight),
                "--cm-scale", Float.toString(training.cmScale), "--cm-margin", Float.toString(training.cmMargin),
                "--w-ldmat", Float.toString(training.ldmatWeight), "--ldmat-margin", Float.toString(training.ldmatMargin),
                "--ldmat-delta", Float.toString(training.ldmatDelta),
                "--w-ac-proxies", Float.toString(training.acProxiesWeight),
                "--w-ac-features", Float.toString(training.acFeaturesWeight),
                "--ac-gamma1", Float.toString(training.acGamma1), "--ac-gamma2", Float.toString(training.acGamma2),
                "--ac-eps", Float.toString(training.acEps)));
        if (training.learningRate != null) {
            a.addAll(List.of("--lr", Float.toString(training.learningRate)));
        }
        if (training.noContraction) {
            a.add("--no-contraction");
        }
        return a;
    }

    /** The loop's name of fit's initialisation: its "project" is Java's he, bit for bit; pytorch is the modules' own. */
    private String loopInit() {
        return ParameterInit.Scheme.parse(training.init) == ParameterInit.Scheme.HE ? "project" : "pytorch";
    }

    private void write(Path outDir, Map<String, Object> settings, LabeledDataset data, long total,
                       VersusSummary summary, List<SideRun> allRuns,
                       List<Map<String, Object>> loopResults) throws java.io.IOException {
        String headline = Tables.aligned(VersusSummary.summaryHeadings(), summary.summaryRows());
        String differences = summary.hasLoop()
                ? Tables.aligned(VersusSummary.differenceHeadings(), summary.differenceRows()) : "";
        String cells = Tables.aligned(summary.cellHeadings(), summary.cellRows());
        String speed = summary.hasLoop()
                ? "images/s ratios are within each seed's run (same machine, one side after the other)"
                : "no reference loop in this run (--no-loop): the sides are compared with each other only";
        System.out.println("\n" + headline + "\n" + differences + "\n" + speed + "\n\n" + cells);
        settings.put("dataset_name", data.name());
        settings.put("train_images", data.train().size());
        settings.put("test_images", data.test().size());
        settings.put("training_steps", total);
        settings.put("init", ParameterInit.Scheme.parse(training.init).cliName());
        settings.put("loop_init", loopInit());
        settings.put("decay_on", DecayOn.parse(training.decayOn).cliName());
        // Augmentation is part of the project's recipe, not of the plain loop it is compared with.
        settings.put("augment_shift", training.augmentShift);
        settings.put("loop_augment_shift", 0);
        settings.put("validation_images", validation);
        settings.put("stream_order", streamOrder);
        settings.put("processors", Runtime.getRuntime().availableProcessors());
        settings.put("java", System.getProperty("java.version"));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", "versus-pytorch");
        root.put("created_at", Instant.now().toString());
        root.put("settings", settings);
        root.put("summary", summary.toMap());
        List<Map<String, Object>> runs = new ArrayList<>();
        allRuns.forEach(r -> runs.add(r.toMap()));
        root.put("runs", runs);
        root.put("loop_runs", loopResults);
        JSON.writeValue(outDir.resolve("results.json").toFile(), root);
        Files.writeString(outDir.resolve("results.md"), "# " + (summary.hasLoop()
                ? String.join(" and ", summary.compared()) + " against the PyTorch reference loop on "
                : String.join(" and ", summary.sides()) + ", without the reference loop, on ") + data.name()
                + "\n\n" + total + " training steps of " + batch + " images per side and seed, " + seeds + " seed(s) from "
                + training.seed + "; arguments " + settings.get("args") + ".\n\nEvery model scored by the same Java evaluator: P@1 of the "
                + data.test().size() + " test images, clean and under each unseen corruption, against the "
                + data.train().size() + " clean train images (cosine)"
                + (validation > 0 ? ", the test images being " + validation + " held-out train images" : "")
                + ". Init " + training.init + " (the loop's " + loopInit() + "), decay on " + training.decayOn
                + " on every side"
                + (training.augmentShift > 0 ? "; random shifts of up to " + training.augmentShift
                        + " px on fit's and the stream's training images, none in the loop" : "")
                + (sides.contains("stream") ? "; the stream: " + total * batch + " images, " + degradedShare
                        + " degraded, " + streamOrder + " order, job settings " + streamSettings : "") + ".\n\n"
                + Tables.markdown(VersusSummary.summaryHeadings(), summary.summaryRows()) + "\n"
                + (summary.hasLoop() ? Tables.markdown(VersusSummary.differenceHeadings(), summary.differenceRows())
                        + "\n" : "") + speed + "\n\n"
                + Tables.markdown(summary.cellHeadings(), summary.cellRows()));
        System.out.println("wrote " + outDir.resolve("results.json") + " and results.md");
    }
}
