package io.embedstream.pipeline.operators;

import io.embedstream.connectors.model.ClassTable;
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
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns a model version into the records of the models topic: parameter chunks, class table chunks
 * ({@link #classTable}), then the manifest, all keyed by the version, then the promotion gate's decision on it
 * ({@link PromotionRecord}) when it was judged. They are emitted in one call, so a checkpoint barrier never falls
 * between them and one Kafka transaction carries the whole version. With a signing key each manifest is signed (Ed25519); the key is read
 * from its file when the task opens, so it never travels in the job graph.
 */
public final class ModelRecordsFunction extends RichFlatMapFunction<ModelSnapshot, KafkaBytesRecord> {
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

    /**
     * The manifest of a snapshot, before the parameter and class table fields (size, digest, chunks) are filled in;
     * the class table itself is {@link #classTable}.
     */
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

    /**
     * The class table of a snapshot: the unit-length CM class weights (what "nearest class" compares embeddings with)
     * and, for a stream with {@code classes.names}, the class names. It travels in chunks beside the parameters, so
     * its size is bounded by the class capacity, not by one Kafka record. Null for a snapshot without classes.
     */
    public static ClassTable classTable(TrainerConfig config, ModelSnapshot snapshot) {
        if (snapshot.classes < 1 || snapshot.classWeights == null) {
            return null;
        }
        List<String> names = snapshot.classNames == null ? null : Arrays.asList(
                Arrays.copyOf(snapshot.classNames, snapshot.classes));
        return ClassTable.fromWeights(snapshot.classWeights, snapshot.classes, config.network().embeddingSize(), names);
    }

    @Override
    public void flatMap(ModelSnapshot snapshot, Collector<KafkaBytesRecord> out) {
        for (ProducerRecord<byte[], byte[]> record
                : chunker.chunk(draftManifest(config, snapshot), snapshot.parameters, classTable(config, snapshot),
                        signer).records()) {
            out.collect(KafkaBytesRecord.of(record));
        }
        // After the version's own records, in the same call and so in the same transaction.
        for (PromotionRecord decision : GateDecisions.records(snapshot)) {
            out.collect(KafkaBytesRecord.of(decision.toProducerRecord(topic)));
        }
    }
}
