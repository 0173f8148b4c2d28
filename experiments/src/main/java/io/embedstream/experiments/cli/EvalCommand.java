package io.embedstream.experiments.cli;

import io.embedstream.pipeline.cli.Datasets;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedstream.connectors.model.ModelDirectoryReader;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.model.data.DegradedImage;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.model.eval.CorruptionEvaluator;
import io.embedstream.model.eval.CorruptionReport;
import io.embedstream.model.eval.EvaluationReport;
import io.embedstream.model.eval.RetrievalEvaluator;
import io.embedstream.model.eval.SimilarityMetric;
import io.embedstream.model.eval.SubsetMetrics;
import io.embedstream.model.eval.QualityBucket;
import io.embedstream.experiments.QueryEmbeddings;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.Devices;
import io.embedstream.pipeline.cli.CorruptionOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Evaluates a published model version on a labeled dataset: the test split as queries against the train split;
 * with {@code --corruptions}, also the test split corrupted as queries against the same clean train split.
 */
@Command(name = "eval",
        description = "Evaluate a model version from a model directory on a labeled dataset (test split as queries,"
                + " train split as references): Precision@1, R-precision, MAP@R, nearest-centroid accuracy, NMI of"
                + " k-means clusters, effective rank and norm/quality correlation, overall and per quality bucket;"
                + " with --corruptions, also P@1 of the test split under corruptions the training stream never"
                + " contains, per kind and level, and their mean.")
public final class EvalCommand implements Callable<Integer> {

    // Not mixinStandardHelpOptions: its -V/--version would clash with --version (the model version), and then
    // picocli no longer treated --help as a help request ("Missing required option '--model-dir'").
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--model-dir", required = true,
            description = "Model directory written by the pipeline (publish.model-dir): v<version>/manifest.json + parameters.bin.")
    Path modelDir;

    @Option(names = "--version", description = "Model version to evaluate (default: the highest in the directory).")
    Long version;

    @Option(names = "--dataset", defaultValue = "synthetic",
            description = Datasets.FORMS + " (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--degrade-test", defaultValue = "0",
            description = "Share of test images degraded (blur, noise, JPEG, low contrast at severities 0.3/0.6/1.0),"
                    + " reported per quality bucket (default: ${DEFAULT-VALUE}).")
    double degradeTest;

    @Option(names = "--strong-from", defaultValue = "" + QualityBucket.DEFAULT_STRONG_FROM,
            description = "Severity from which a degraded image counts as strongly degraded (default: ${DEFAULT-VALUE}).")
    double strongFrom;

    @Option(names = "--metric", defaultValue = "cosine", description = "cosine or euclidean (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the test degradations and of k-means++ (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--json", arity = "0..1", fallbackValue = "-", paramLabel = "FILE",
            description = "Also write the figures as JSON to FILE; without FILE, print JSON instead of the table.")
    String json;

    @Mixin
    CorruptionOptions corruption;

    @Override
    public Integer call() throws Exception {
        CorruptionSet corruptions = corruption.kinds();
        SimilarityMetric similarity = SimilarityMetric.parse(metric);
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("model directory " + modelDir + " does not exist");
        }
        ModelDirectoryReader reader = new ModelDirectoryReader(modelDir);
        List<Long> versions = reader.versions();
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("model directory " + modelDir + " holds no model version (v<N>/)");
        }
        if (version != null && !versions.contains(version)) {
            throw new IllegalArgumentException("model directory " + modelDir + " has no version " + version
                    + "; it has " + versions);
        }
        PublishedModel model = reader.read(version != null ? version : versions.get(versions.size() - 1));
        NetworkConfig network = ManifestNetwork.of(model.manifest());
        LabeledDataset data = Datasets.load(dataset);
        if (data.width() != network.width() || data.height() != network.height() || data.channels() != network.channels()) {
            throw new IllegalArgumentException("dataset " + data.name() + " has " + data.width() + "x" + data.height()
                    + "x" + data.channels() + " images, model version " + model.version() + " expects "
                    + network.width() + "x" + network.height() + "x" + network.channels());
        }
        if (data.train().isEmpty() || data.test().isEmpty()) {
            throw new IllegalArgumentException("dataset " + data.name() + " needs both a train and a test split");
        }
        List<DegradedImage> test = ExperimentSetup.plan(degradeTest, seed).apply(data.test());
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder().metric(similarity).seed(seed).build();
        long start = System.nanoTime();
        EvaluationReport report;
        CorruptionReport corrupted = null;
        try (EmbeddingModel net = EmbeddingModel.fromParameters(network, Devices.parse(device), model.parameters())) {
            var queries = QueryEmbeddings.queries(net, test, strongFrom);
            var references = QueryEmbeddings.references(net, data.train());
            report = evaluator.evaluate(queries, references);
            if (!corruptions.isEmpty()) {
                // Queries: the clean test split corrupted (not the --degrade-test images); gallery: as above.
                corrupted = new CorruptionEvaluator(similarity, corruption.seed())
                        .evaluate(images -> QueryEmbeddings.embed(net, images), data.test(), references, corruptions);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model_dir", modelDir.toString());
        root.put("version", model.version());
        root.put("training_step", model.manifest().trainingStep());
        root.put("dataset", data.name());
        root.put("queries", test.size());
        root.put("references", data.train().size());
        root.put("degrade_test", degradeTest);
        root.put("metric", report.metric().label());
        root.put("subsets", report.figuresBySubset());
        if (corrupted != null) {
            root.put("corruptions", corrupted.toMap());
        }
        root.put("notes", report.notes());
        root.put("seconds", seconds);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if ("-".equals(json)) {
            System.out.println(mapper.writeValueAsString(root));
            return 0;
        }
        System.out.printf(Locale.ROOT, "model version %d (step %d) from %s on %s: %d test images against %d train"
                        + " images, %s, in %.1f s%n", model.version(), model.manifest().trainingStep(), modelDir,
                data.name(), test.size(), data.train().size(), report.metric().label(), seconds);
        System.out.print(table(report));
        if (corrupted != null) {
            System.out.printf(Locale.ROOT, "unseen corruptions: P@1 of the %d clean test images, corrupted, against the"
                    + " train images (%s, corruption seed %d):%n", corrupted.queries(), similarity.label(), corrupted.seed());
            System.out.print(CorruptionOptions.table(corrupted));
        }
        report.notes().forEach(n -> System.out.println("note: " + n));
        if (json != null) {
            Path file = Path.of(json);
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            mapper.writeValue(file.toFile(), root);
            System.out.println("JSON written to " + file);
        }
        return 0;
    }

    static String table(EvaluationReport report) {
        List<String> headings = new ArrayList<>(List.of("test images", "count"));
        headings.addAll(ExperimentReport.COLUMNS.values());
        List<List<String>> rows = new ArrayList<>();
        for (SubsetMetrics s : report.subsets()) {
            Map<String, Double> f = s.figures();
            List<String> row = new ArrayList<>(List.of(s.name(), String.valueOf(s.queries())));
            for (String key : ExperimentReport.COLUMNS.keySet()) {
                Double v = f.get(key);
                row.add(v == null ? "—" : String.format(Locale.ROOT, key.equals("effective_rank") ? "%.1f" : "%.4f", v));
            }
            rows.add(row);
        }
        return Tables.aligned(headings, rows);
    }
}
