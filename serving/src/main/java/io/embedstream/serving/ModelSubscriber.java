package io.embedstream.serving;

import io.embedstream.connectors.model.PromotionRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.embedstream.connectors.model.ManifestVerifier;
import io.embedstream.connectors.model.ModelDirectoryReader;
import io.embedstream.connectors.model.ModelTopic;

/**
 * Serves the models a training job publishes, and swaps in each new version while callers keep working.
 *
 * <p>A background thread follows the models topic ({@code read_committed}, so only whole versions of committed
 * transactions) or a model directory, reassembles each version from its chunks, checks its SHA-256 (and, with a
 * public key, its signature), loads it with the {@link ModelLoader} next to the served one, and then swaps it in
 * with one atomic reference write. A version that fails any check or its loader is refused, logged and counted
 * ({@link #refusedCount()}); the served version keeps serving.
 *
 * <p>Callers work on exactly one version at a time: {@link #apply} (or a {@link ModelLease} from
 * {@link #acquire()}) holds the version served when the call started until the call ends, and labels the result
 * with that version. A replaced version is closed only after its last caller let go.
 *
 * <p>The promise: by default the subscriber serves only promoted versions: a candidate the job publishes is served
 * once the promotion gate's record names it ({@link PromotionRecord}); versions published before the gate existed
 * (no status in their manifest) count as promoted. The served version goes back only on a rollback record, to an
 * earlier promoted version the subscriber still holds ({@link Builder#keepPromoted}); otherwise versions served never
 * go backwards. {@link Builder#serveCandidates} serves every candidate too, for shadow evaluation.
 *
 * <pre>{@code
 * // EmbeddingModelLoader: the pipeline module's loader of DJL networks; any ModelLoader works
 * try (ModelSubscriber<EmbeddingModel> models = ModelSubscriber.builder(new EmbeddingModelLoader())
 *         .bootstrapServers("kafka:9092")
 *         .publicKey(Ed25519Keys.readPublic(Path.of("models.pub")))
 *         .onSwap(swap -> log.info("now serving version {}", swap.version()))
 *         .build()) {
 *     models.awaitModel(Duration.ofSeconds(30));
 *     Served<float[][]> result = models.apply(model -> model.embed(images, 64));
 *     // result.version() says which version computed result.value()
 * }
 * }</pre>
 *
 * @param <M> the loaded model
 */
public final class ModelSubscriber<M> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSubscriber.class);

    private final ModelSlot<M> slot;
    private final PromotionTracker<M> promotions;
    private final Runnable stopper;
    private final Thread thread;
    private final String source;

    private ModelSubscriber(ModelSlot<M> slot, PromotionTracker<M> promotions, Runnable follower, Runnable stopper,
                            String source) {
        this.slot = slot;
        this.promotions = promotions;
        this.stopper = stopper;
        this.source = source;
        this.thread = new Thread(follower, "model-subscriber");
        thread.setDaemon(true);
        thread.start();
    }

    /** A builder; {@code loader} turns each verified version into a served model. */
    public static <M> Builder<M> builder(ModelLoader<M> loader) {
        return new Builder<>(loader);
    }

    /**
     * Runs {@code work} on the served version and labels its result with that version. The version cannot be
     * closed or swapped out from under {@code work}.
     *
     * @throws IllegalStateException if no version is served yet (see {@link #awaitModel})
     */
    public <R> Served<R> apply(Function<? super M, ? extends R> work) {
        try (ModelLease<M> lease = acquire()) {
            return new Served<>(lease.version(), work.apply(lease.model()));
        }
    }

    /**
     * A lease on the served version; close it when done.
     *
     * @throws IllegalStateException if no version is served yet
     */
    public ModelLease<M> acquire() {
        return tryAcquire().orElseThrow(() -> new IllegalStateException("no model version is served yet from "
                + source + (refusedCount() > 0 ? " (" + refusedCount() + " refused, last: "
                + recentRefusals().get(recentRefusals().size() - 1).reason() + ")" : "")));
    }

    /** A lease on the served version, or empty if none is served yet. */
    public Optional<ModelLease<M>> tryAcquire() {
        return slot.tryAcquire();
    }

    /**
     * Waits until a version is served, the timeout passes, or the subscriber stops looking (a pinned subscriber,
     * {@code follow(false)}, that found nothing acceptable; a failure; {@link #close()}).
     *
     * @return whether a version is served
     */
    public boolean awaitModel(Duration timeout) throws InterruptedException {
        return slot.awaitModel(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The served version, or -1 if none. */
    public long currentVersion() {
        return slot.currentVersion();
    }

    /** Versions refused so far (incomplete, SHA-256 or signature mismatch, loader failure). */
    public long refusedCount() {
        return slot.refusedCount();
    }

    /** The most recent refusals, oldest first (at most 32). */
    public List<ModelRefusal> recentRefusals() {
        return slot.recentRefusals();
    }

    /**
     * The promotion gate's decisions read from the models topic so far, oldest first (at most 32): promotions,
     * rejections with their reasons, rollbacks. Empty for a model directory and for topics written before the gate.
     */
    public List<PromotionRecord> recentDecisions() {
        return promotions == null ? List.of() : promotions.recentDecisions();
    }

    /**
     * The linear map that carries vectors embedded by promoted version {@code from} into the space of promoted
     * version {@code to} (a vector index built with {@code from} then needs no re-embedding): the composition of the
     * maps each promoted version carries from the previously promoted one (manifest extra {@code compat_map},
     * orthogonal Procrustes with scale fitted on the job's held-out images). Empty when {@code to} was not seen by
     * this subscriber or {@code from} is not on its chain of promotions. Vectors are rows: {@code y = x M}.
     */
    public Optional<io.embedstream.model.compat.EmbeddingMap> compatibilityMap(long from, long to) {
        if (promotions == null) {
            return Optional.empty();
        }
        return slot.tryAcquire().flatMap(lease -> {
            try (lease) {
                return promotions.compatibility().between(from, to, lease.manifest().embeddingSize());
            }
        });
    }

    /** Versions swapped in so far (the first one included). */
    public long swapCount() {
        return slot.swapCount();
    }

    /**
     * Whether the background thread stopped looking for versions: pinned ({@code follow(false)}) and done, failed
     * ({@link #failure()}) or closed. The served version, if any, keeps serving.
     */
    public boolean stopped() {
        return slot.finished();
    }

    /** Why the background thread stopped, if it failed. */
    public Optional<Throwable> failure() {
        return slot.failure();
    }

    /** Where models come from, e.g. {@code topic embedstream.models on localhost:9092}. */
    public String source() {
        return source;
    }

    /** Stops following; the served model is closed once the last lease on it is released. */
    @Override
    public void close() {
        stopper.run();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        slot.close();
    }

    @Override
    public String toString() {
        return "ModelSubscriber[" + source + ", version " + currentVersion() + "]";
    }

    /**
     * Settings of a {@link ModelSubscriber}. Give either {@link #bootstrapServers(String)} (the models topic) or
     * {@link #modelDirectory(Path)}; everything else has a default.
     */
    public static final class Builder<M> {
        private final ModelLoader<M> loader;
        private String bootstrapServers;
        private String topic = ModelTopic.DEFAULT_TOPIC;
        private Path modelDirectory;
        private StartPosition start = StartPosition.latest();
        private long minimumVersion;
        private boolean follow = true;
        private ManifestVerifier verifier = ManifestVerifier.none();
        private Consumer<ModelSwap> onSwap = swap -> { };
        private Consumer<ModelRefusal> onRefusal = refusal -> { };
        private Duration directoryPollInterval = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofSeconds(15);
        private long maxModelBytes = 512L * 1024 * 1024;
        private boolean serveCandidates;
        private int keepPromoted = 4;
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();

        private Builder(ModelLoader<M> loader) {
            this.loader = Objects.requireNonNull(loader, "loader");
        }

        /** Kafka {@code bootstrap.servers} of the models topic. Required unless a model directory is given. */
        public Builder<M> bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** The models topic. Default {@value ModelTopic#DEFAULT_TOPIC}. */
        public Builder<M> topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** Serve from this model directory ({@code publish.model-dir}) instead of the topic. Default none. */
        public Builder<M> modelDirectory(Path directory) {
            this.modelDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The first version served. Default {@link StartPosition#latest()}. */
        public Builder<M> startFrom(StartPosition start) {
            this.start = Objects.requireNonNull(start, "start");
            return this;
        }

        /** Never serve a version below this one (older versions are skipped, not refused). Default 0. */
        public Builder<M> minimumVersion(long version) {
            if (version < 0) {
                throw new IllegalArgumentException("minimum version must be >= 0, got " + version);
            }
            this.minimumVersion = version;
            return this;
        }

        /**
         * Whether to keep following and swap in newer versions (default true). False pins the start version: the
         * subscriber stops looking once it serves one, or once it has read what existed at start-up.
         */
        public Builder<M> follow(boolean follow) {
            this.follow = follow;
            return this;
        }

        /**
         * Require every version to be signed by the private key of {@code key}; unsigned versions, versions signed
         * by another key and modified ones are refused. Default none: signatures are not checked.
         */
        public Builder<M> publicKey(PublicKey key) {
            this.verifier = key == null ? ManifestVerifier.none() : ManifestVerifier.requireSignatureBy(key);
            return this;
        }

        /** Called on the subscriber's thread after each swap. Default: nothing (swaps are logged at INFO). */
        public Builder<M> onSwap(Consumer<ModelSwap> listener) {
            this.onSwap = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Called on the subscriber's thread for each refused version. Default: nothing (they are logged at WARN). */
        public Builder<M> onRefusal(Consumer<ModelRefusal> listener) {
            this.onRefusal = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** How often a model directory is listed for new versions. Default 2 s. */
        public Builder<M> directoryPollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive, got " + interval);
            }
            this.directoryPollInterval = interval;
            return this;
        }

        /** How long {@link #build()} waits for Kafka to list the topics. Default 15 s. */
        public Builder<M> connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The largest model (parameter bytes) that can be assembled from the topic. Default 512 MiB. */
        public Builder<M> maxModelBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max model bytes must be >= 1, got " + bytes);
            }
            this.maxModelBytes = bytes;
            return this;
        }

        /**
         * Serve candidate versions as soon as they are published, promoted or not (shadow evaluation of what the gate
         * judges). Default false: only promoted versions. Rollback records are followed either way.
         */
        public Builder<M> serveCandidates(boolean serve) {
            this.serveCandidates = serve;
            return this;
        }

        /**
         * How many of the most recent promoted versions the subscriber keeps (parameters in memory), so that a
         * rollback record can swap back to one at once. Default 4.
         */
        public Builder<M> keepPromoted(int versions) {
            if (versions < 1) {
                throw new IllegalArgumentException("keep at least 1 promoted version, got " + versions);
            }
            this.keepPromoted = versions;
            return this;
        }

        /**
         * One Kafka consumer property (e.g. {@code security.protocol}). The subscriber sets
         * {@code isolation.level=read_committed} (not overridable), and by default {@code fetch.max.wait.ms=100} and
         * {@code max.partition.fetch.bytes=16 MiB} (a new version arrives sooner than with Kafka's 500 ms and 1 MiB)
         * and {@code allow.auto.create.topics=false}.
         */
        public Builder<M> clientProperty(String name, Object value) {
            clientProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Checks the source and starts following it.
         *
         * @throws IllegalArgumentException if the topic or directory does not exist, or no source is given
         * @throws org.apache.kafka.common.errors.TimeoutException if Kafka does not answer within the connect timeout
         */
        public ModelSubscriber<M> build() {
            if ((bootstrapServers == null) == (modelDirectory == null)) {
                throw new IllegalArgumentException("give either bootstrapServers (the models topic) or a modelDirectory");
            }
            String verification = verifier.keyId().map(id -> ", signatures by key " + id + " required").orElse("");
            if (modelDirectory != null) {
                if (!Files.isDirectory(modelDirectory)) {
                    throw new IllegalArgumentException("model directory " + modelDirectory + " does not exist");
                }
                String source = "model directory " + modelDirectory;
                ModelSlot<M> slot = slot(source);
                DirectoryFollower<M> follower = new DirectoryFollower<>(
                        new ModelDirectoryReader(modelDirectory, verifier), slot, start, minimumVersion, follow,
                        directoryPollInterval, serveCandidates);
                LOG.info("serving models from {} ({}{}{})", source, start, verification, promise());
                return new ModelSubscriber<>(slot, null, follower, follower::stop, source);
            }
            String source = "topic " + topic + " on " + bootstrapServers;
            KafkaConsumer<byte[], byte[]> consumer = consumer();
            try {
                List<TopicPartition> partitions = partitions(consumer, source);
                ModelSlot<M> slot = slot(source);
                PromotionTracker<M> promotions = new PromotionTracker<>(slot, serveCandidates, keepPromoted);
                TopicFollower<M> follower = new TopicFollower<>(consumer, partitions, slot, start, minimumVersion,
                        follow, verifier, maxModelBytes, Duration.ofMillis(200), promotions, serveCandidates);
                LOG.info("serving models from {} ({}{}{})", source, start, verification, promise());
                return new ModelSubscriber<>(slot, promotions, follower, follower::stop, source);
            } catch (RuntimeException e) {
                consumer.close(Duration.ZERO);
                throw e;
            }
        }

        private String promise() {
            return serveCandidates ? ", candidates too" : ", promoted versions only";
        }

        private ModelSlot<M> slot(String source) {
            Consumer<ModelSwap> logged = swap -> {
                LOG.info("{}: serving version {} (step {}, loaded in {} ms){}", source, swap.version(),
                        swap.manifest().trainingStep(), Math.round(swap.loadMillis()),
                        swap.previousVersion() >= 0 ? ", replacing version " + swap.previousVersion() : "");
                onSwap.accept(swap);
            };
            return new ModelSlot<>(loader, logged, onRefusal, source);
        }

        private KafkaConsumer<byte[], byte[]> consumer() {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "embedstream-model-subscriber");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
            // A version is megabytes in 512 KiB chunks: fetch it in one round trip rather than 1 MiB at a time.
            props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
            props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) connectTimeout.toMillis());
            props.putAll(clientProperties);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String source) {
            Map<String, List<PartitionInfo>> topics = consumer.listTopics(connectTimeout);
            List<PartitionInfo> infos = topics.get(topic);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist on " + bootstrapServers
                        + " (is the training job publishing there? topics.models names it)");
            }
            return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        }
    }
}
