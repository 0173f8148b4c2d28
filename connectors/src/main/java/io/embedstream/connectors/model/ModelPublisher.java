package io.embedstream.connectors.model;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes model versions to the publication topic with a transactional producer: the chunks and the manifest
 * of a version are committed together, so a {@code read_committed} consumer sees all of a version or none of it.
 *
 * <p>Not thread-safe. A second publisher with the same transactional id fences this one.
 */
public final class ModelPublisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final ModelChunker chunker;
    private final ManifestSigner signer;
    private final String topic;

    private ModelPublisher(Builder b) {
        this.signer = b.signer;
        this.topic = b.topic;
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, b.transactionalId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "embedstream-model-publisher");
        props.putAll(b.clientProperties);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
        this.chunker = ModelChunker.builder().topic(b.topic).chunkBytes(b.chunkBytes).build();
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Publishes one version without a class table in one transaction (chunks, then manifest) and waits for the
     * commit.
     *
     * @return the manifest as published (size, SHA-256 and chunk count filled in, signed if a signer is set)
     * @throws KafkaException if the transaction could not be committed (it is aborted where possible)
     */
    public ModelManifest publish(ModelManifest draft, byte[] parameters) {
        return publish(draft, parameters, List.of());
    }

    /**
     * Publishes one version and the promotion gate's decisions after it, all in one transaction, as the job does;
     * the draft should carry {@code "promotion": "candidate"} in its extras when a decision follows.
     */
    public ModelManifest publish(ModelManifest draft, byte[] parameters, List<PromotionRecord> decisions) {
        return publish(draft, parameters, null, decisions);
    }

    /**
     * Publishes one version with its class table (parameter chunks, class table chunks, manifest) and the promotion
     * gate's decisions after it, all in one transaction.
     *
     * @param classTable the version's class table; null for a version without one
     */
    public ModelManifest publish(ModelManifest draft, byte[] parameters, ClassTable classTable,
                                 List<PromotionRecord> decisions) {
        ModelChunker.ModelRecords records = chunker.chunk(draft, parameters, classTable, signer);
        List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(records.records());
        decisions.forEach(d -> all.add(d.toProducerRecord(topic)));
        send(all);
        return records.manifest();
    }

    /** Commits one decision (e.g. a rollback) in a transaction of its own and waits for the commit. */
    public void decide(PromotionRecord decision) {
        send(List.of(decision.toProducerRecord(topic)));
    }

    private void send(List<ProducerRecord<byte[], byte[]>> records) {
        producer.beginTransaction();
        try {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            // Fatal for this producer: abort is not allowed, the caller must close it.
            throw e;
        } catch (KafkaException e) {
            producer.abortTransaction();
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }

    /** Settings of a {@link ModelPublisher}. Only {@link #bootstrapServers(String)} is required. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic = ModelTopic.DEFAULT_TOPIC;
        private String transactionalId = "embedstream-model-publisher";
        private int chunkBytes = ModelTopic.DEFAULT_CHUNK_BYTES;
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();
        private ManifestSigner signer;

        private Builder() {
        }

        /** Signs every manifest with this key ({@link ManifestSigner}). Default none: manifests are unsigned. */
        public Builder signer(ManifestSigner signer) {
            this.signer = signer;
            return this;
        }

        /** Kafka {@code bootstrap.servers}. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** Publication topic. Default {@value ModelTopic#DEFAULT_TOPIC}. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** Producer {@code transactional.id}. Default {@code embedstream-model-publisher}. */
        public Builder transactionalId(String transactionalId) {
            this.transactionalId = Objects.requireNonNull(transactionalId, "transactionalId");
            return this;
        }

        /** Chunk size in bytes. Default 512 KiB. */
        public Builder chunkBytes(int chunkBytes) {
            this.chunkBytes = chunkBytes;
            return this;
        }

        /** One producer property override (serializers are always byte arrays). Default none. */
        public Builder clientProperty(String name, Object value) {
            clientProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Connects and initializes transactions (fencing older publishers with the same id). */
        public ModelPublisher build() {
            if (bootstrapServers == null) {
                throw new IllegalStateException("bootstrapServers is required");
            }
            return new ModelPublisher(this);
        }
    }
}
