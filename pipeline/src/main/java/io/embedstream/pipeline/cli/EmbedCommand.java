package io.embedstream.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.connectors.model.Ed25519Keys;
import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.connectors.model.ModelTopic;
import io.embedstream.serving.ModelLease;
import io.embedstream.serving.ModelRefusal;
import io.embedstream.serving.ModelSubscriber;
import io.embedstream.serving.StartPosition;
import io.embedstream.connectors.wire.DecodeResult;
import io.embedstream.connectors.wire.ImageHeaders;
import io.embedstream.connectors.wire.ImageRecordDecoder;
import io.embedstream.connectors.wire.RecordSource;
import io.embedstream.connectors.wire.WireHeaders;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.Devices;
import io.embedstream.serving.ClassCentroids;
import io.embedstream.serving.EmbeddingModelLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code embedstream embed}: embeddings of image files with a published model version, as JSON lines. */
// No mixinStandardHelpOptions: its -V/--version would take --version, which here names the model version.
@Command(name = "embed",
        description = {"Embed image files (or every image in folders) with the latest or a given model version, from"
                + " the models topic or a model directory. Prints one JSON line per image: file, version, embedding"
                + " and, when the version has a class table, the nearest class (with its name when the stream names"
                + " its classes) and its cosine distance.",
                "Images are converted to the network's input as the training job converts them."})
public final class EmbedCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "IMAGE|FOLDER", description = "Image files (PNG, JPEG, BMP, GIF) or folders searched recursively.")
    List<Path> inputs;

    @Option(names = "--model-dir", description = "Read the model from this directory (publish.model-dir) instead of the topic.")
    Path modelDir;

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @picocli.CommandLine.Mixin
    KafkaClientOptions kafka;

    @Option(names = "--topic", defaultValue = ModelTopic.DEFAULT_TOPIC, description = "Models topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", description = "Model version to use (default: the latest).")
    Long version;

    @Option(names = "--public-key", description = "Ed25519 public key (X.509 PEM or DER, from `keygen`): refuse versions not signed by its private key (default: signatures not checked).")
    Path publicKey;

    @Option(names = "--wait", defaultValue = "30", description = "Seconds to wait for Kafka and the model (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Option(names = "--batch", defaultValue = "64", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--serve-candidates", description = "Also use versions the promotion gate has not promoted (shadow evaluation of candidates; default: promoted versions only).")
    boolean serveCandidates;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu, gpu:N or auto (default: ${DEFAULT-VALUE}).")
    String device;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || waitSeconds < 0) {
            throw new IllegalArgumentException("--batch must be >= 1 and --wait >= 0");
        }
        List<Path> files = ImageFiles.collect(inputs);
        try (ModelSubscriber<EmbeddingModel> models = subscriber()) {
            if (!models.awaitModel(Duration.ofSeconds(waitSeconds))) {
                throw new IllegalArgumentException(noModel(models));
            }
            try (ModelLease<EmbeddingModel> lease = models.acquire()) {
                if (version != null && lease.version() != version) {
                    throw new IllegalArgumentException("model version " + version + " is not available from "
                            + models.source() + " (the first version after it is " + lease.version() + ")");
                }
                return embed(files, lease, System.out);
            }
        }
    }

    private ModelSubscriber<EmbeddingModel> subscriber() throws IOException {
        ModelSubscriber.Builder<EmbeddingModel> builder = ModelSubscriber.builder(new EmbeddingModelLoader(Devices.parse(device)))
                .startFrom(version == null ? StartPosition.latest() : StartPosition.version(version))
                .follow(false)
                .serveCandidates(serveCandidates)
                .connectTimeout(Duration.ofSeconds(Math.max(1, waitSeconds)));
        if (publicKey != null) {
            builder.publicKey(Ed25519Keys.readPublic(publicKey));
        }
        if (modelDir != null) {
            if (!Files.isDirectory(modelDir)) {
                throw new IllegalArgumentException("model directory " + modelDir + " does not exist");
            }
            return builder.modelDirectory(modelDir).build();
        }
        try {
            kafka.properties().forEach(builder::clientProperty);
            return builder.bootstrapServers(bootstrap).topic(topic).build();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IOException("cannot reach Kafka at " + bootstrap + " within " + waitSeconds + " s");
        }
    }

    private String noModel(ModelSubscriber<EmbeddingModel> models) {
        String what = version == null ? "no model version" : "no model version " + version + " (or later)";
        String where = modelDir != null
                ? " in model directory " + modelDir + " (expected v<version>/manifest.json and parameters.bin, as"
                        + " the job's publish.model-dir writes them)"
                : " on topic " + topic + " at " + bootstrap + (models.stopped() ? "" : " within " + waitSeconds + " s")
                        + models.failure().map(e -> " (reading it failed: " + e.getMessage() + ")").orElse("");
        List<ModelRefusal> refusals = models.recentRefusals();
        String refused = refusals.isEmpty() ? "" : "; refused " + models.refusedCount() + ", the last: "
                + refusals.get(refusals.size() - 1).reason();
        String promise = serveCandidates ? "" : " (only promoted versions are used; --serve-candidates uses candidates"
                + " too)";
        return what + where + refused + promise;
    }

    private int embed(List<Path> files, ModelLease<EmbeddingModel> lease, PrintStream out) throws IOException {
        ModelManifest manifest = lease.manifest();
        NetworkConfig network = lease.model().config();
        Optional<ClassCentroids> centroids = ClassCentroids.of(manifest, lease.classTable());
        ImageRecordDecoder decoder = ImageRecordDecoder.builder().classes(1)
                .target(network.width(), network.height(), network.channels()).build();
        WireHeaders label = WireHeaders.empty().with(ImageHeaders.LABEL, "0");
        int failed = 0;
        for (int start = 0; start < files.size(); start += batch) {
            List<Path> names = new ArrayList<>();
            List<LabeledImage> images = new ArrayList<>();
            for (Path file : files.subList(start, Math.min(files.size(), start + batch))) {
                DecodeResult result = decoder.decode(Files.readAllBytes(file),
                        label.with(ImageHeaders.ID, file.toString()), new RecordSource("file", 0, 0));
                if (result instanceof DecodeResult.Decoded decoded) {
                    names.add(file);
                    images.add(decoded.image());
                } else {
                    failed++;
                    System.err.println("error: " + file + ": " + ((DecodeResult.Rejected) result).reason());
                }
            }
            float[][] embeddings = lease.model().embed(images, batch);
            for (int i = 0; i < images.size(); i++) {
                out.println(JSON.writeValueAsString(line(names.get(i), lease.version(), embeddings[i], centroids)));
            }
        }
        out.flush();
        return failed == 0 ? 0 : 2;
    }

    private static ObjectNode line(Path file, long version, float[] embedding, Optional<ClassCentroids> centroids) {
        ObjectNode node = JSON.createObjectNode();
        node.put("file", file.toString());
        node.put("version", version);
        ArrayNode values = node.putArray("embedding");
        for (float v : embedding) {
            values.add(v);
        }
        centroids.ifPresent(c -> {
            ClassCentroids.Nearest nearest = c.nearest(embedding);
            node.put("nearest_class", nearest.label());
            if (nearest.name() != null) {
                node.put("nearest_class_name", nearest.name());
            }
            node.put("distance", nearest.distance());
        });
        return node;
    }
}
