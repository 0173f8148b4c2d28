package io.embedstream.pipeline.operators;

import io.embedstream.connectors.model.PromotionRecord;
import io.embedstream.connectors.model.InputShape;
import io.embedstream.connectors.model.ManifestSigner;
import io.embedstream.connectors.model.ModelChunker;
import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.operators.ManifestSigning;
import io.embedstream.pipeline.types.KafkaBytesRecord;
import io.embedstream.pipeline.types.ModelSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns a model version into the records of the models topic: parameter chunks, then the manifest, all keyed by
 * the version, then the promotion gate's decision on it ({@link PromotionRecord}) when it was judged. They are emitted in one call, so a checkpoint barrier never falls between them and one Kafka
 * transaction carries the whole version. With a signing key each manifest is signed (Ed25519); the key is read
 * from its file when the task opens, so it never travels in the job graph.
 */
public final class ModelRecordsFunction extends RichFlatMapFunction<ModelSnapshot, KafkaBytesRecord> {
    /**
     * Bytes of a manifest that the class table (centroids and names) may take: the manifest is one record, and
     * Kafka's producers and brokers refuse records over 1 MiB unless both are configured otherwise.
     */
    static final long CLASS_TABLE_BUDGET = 640 * 1024;
    /** Upper bound of one float's JSON text with its separator (e.g. {@code -0.123456789,}). */
    private static final int JSON_BYTES_PER_VALUE = 15;
    /** Extra saying what the manifest left out of its class table, and why. */
    public static final String CLASS_TABLE_OMITTED_EXTRA = "class_table_omitted";
    private final TrainerConfig config;
    private final ModelChunker chunker;
    private final String signingKey;
    private final String topic;
    private transient ManifestSigner signer;

    public ModelRecordsFunction(TrainerConfig config, String topic) {
        this(config, topic, null);
    }

    /** @param signingKey Ed25519 private key file (PKCS#8) signing each manifest; null = unsigned */
    public ModelRecordsFunction(TrainerConfig config, String topic, String signingKey) {
        this.config = config;
        this.chunker = ModelChunker.builder().topic(topic).build();
        this.signingKey = signingKey;
        this.topic = topic;
    }

    @Override
    public void open(OpenContext context) {
        signer = ManifestSigning.signer(signingKey);
    }

    /** The manifest of a snapshot, before the parameter fields (size, digest, chunks) are filled in. */
    public static ModelManifest draftManifest(TrainerConfig config, ModelSnapshot snapshot) {
        NetworkConfig n = config.network();
        Map<String, Object> architecture = new LinkedHashMap<>();
        architecture.put("name", n.architecture().cliName());
        architecture.put("height", n.height());
        architecture.put("width", n.width());
        architecture.put("channels", n.channels());
        architecture.put("embedding_size", n.embeddingSize());
        architecture.put("input_mean", NetworkConfig.manifestValue(n.inputMean()));
        architecture.put("input_std", NetworkConfig.manifestValue(n.inputStd()));
        if (n.backbone() != null) {
            // Where the backbone came from; parameters.bin is the whole network as one TorchScript archive.
            architecture.put("backbone", n.backbone());
            architecture.put("parameters_format", "torchscript");
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("classes", snapshot.classes);
        List<String> names = snapshot.classNames == null ? null
                : new ArrayList<>(java.util.Arrays.asList(snapshot.classNames).subList(0, snapshot.classes));
        long nameBytes = names == null ? 0 : names.stream()
                .mapToLong(name -> 4L + (name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length)).sum();
        long centroidBytes = (long) snapshot.classes * n.embeddingSize() * JSON_BYTES_PER_VALUE;
        // The manifest is one Kafka record, limited to 1 MiB by default: a class table that would not fit is left
        // out (and said so) rather than failing every publication. Chunking it like the parameters is the fix.
        if (centroidBytes + nameBytes <= CLASS_TABLE_BUDGET) {
            extras.put("class_centroids", centroids(snapshot.classWeights, snapshot.classes, n.embeddingSize()));
        } else {
            extras.put(CLASS_TABLE_OMITTED_EXTRA, "class_centroids: " + snapshot.classes + " classes x "
                    + n.embeddingSize() + " dimensions exceed the manifest's " + CLASS_TABLE_BUDGET + "-byte budget"
                    + " for the class table");
        }
        if (names != null) {
            if (nameBytes <= CLASS_TABLE_BUDGET) {
                // Parallel to the centroids: as many entries as classes.
                extras.put(ModelManifest.CLASS_NAMES_EXTRA, names);
            } else {
                extras.put(CLASS_TABLE_OMITTED_EXTRA, "class_centroids and class_names: " + snapshot.classes
                        + " classes exceed the manifest's " + CLASS_TABLE_BUDGET + "-byte budget for the class table");
            }
        }
        if (snapshot.decision != null) {
            extras.put(PromotionRecord.STATUS_EXTRA, PromotionRecord.CANDIDATE);
            extras.put("evaluation", GateDecisions.evaluation(snapshot.decision));
            GateDecisions.compatibility(snapshot.decision).ifPresent(map -> extras.put(GateDecisions.COMPAT_EXTRA, map));
        }
        return ModelManifest.builder()
                .version(snapshot.version)
                .trainingStep(snapshot.step)
                .createdAt(Instant.ofEpochMilli(snapshot.timestampMillis))
                .architecture(n.architecture().cliName())
                .architectureConfig(architecture)
                .input(new InputShape(n.width(), n.height(), n.channels()))
                .embeddingSize(n.embeddingSize())
                .loss(config.objective().describe())
                .extras(extras)
                .build();
    }

    /** Unit-length class directions (the CM class weights): what "nearest class" compares embeddings with. */
    private static List<List<Float>> centroids(float[] weights, int classes, int d) {
        List<List<Float>> rows = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += weights[c * d + j] * weights[c * d + j];
            }
            double inv = 1 / Math.sqrt(norm + 1e-12);
            List<Float> row = new ArrayList<>(d);
            for (int j = 0; j < d; j++) {
                row.add((float) (weights[c * d + j] * inv));
            }
            rows.add(row);
        }
        return rows;
    }

    @Override
    public void flatMap(ModelSnapshot snapshot, Collector<KafkaBytesRecord> out) {
        for (ProducerRecord<byte[], byte[]> record
                : chunker.chunk(draftManifest(config, snapshot), snapshot.parameters, signer).records()) {
            out.collect(KafkaBytesRecord.of(record));
        }
        // After the version's own records, in the same call and so in the same transaction.
        for (PromotionRecord decision : GateDecisions.records(snapshot)) {
            out.collect(KafkaBytesRecord.of(decision.toProducerRecord(topic)));
        }
    }
}
