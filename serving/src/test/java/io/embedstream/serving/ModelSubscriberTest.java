package io.embedstream.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.model.ClassTable;
import io.embedstream.connectors.model.Ed25519Keys;
import io.embedstream.connectors.model.InputShape;
import io.embedstream.connectors.model.ManifestSigner;
import io.embedstream.connectors.model.ModelChunker;
import io.embedstream.connectors.model.ModelDirectoryWriter;
import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.connectors.model.ModelManifestJson;
import io.embedstream.connectors.model.ModelPublisher;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.connectors.model.Sha256;

/**
 * The subscriber against a real broker: what it refuses (tampered chunks, wrong SHA-256, missing or foreign or
 * broken signatures, loader failures), that the old version keeps serving meanwhile, where it starts, and leases.
 * The served "model" here is the parameter bytes themselves; the DJL network is exercised by the pipeline's
 * hot-swap test.
 */
class ModelSubscriberTest {

    private static final KeyPair PUBLISHER = Ed25519Keys.generate();
    private static final KeyPair STRANGER = Ed25519Keys.generate();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaBroker.builder().build().start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    /** A loaded "model": its parameter bytes, and whether it was closed. */
    record BytesModel(long version, byte[] parameters, AtomicBoolean closed) implements AutoCloseable {
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                throw new IllegalStateException("version " + version + " closed twice");
            }
        }
    }

    /** Loads {@link BytesModel}s, fails on request, and remembers what it loaded. */
    static final class BytesLoader implements ModelLoader<BytesModel> {
        final Map<Long, BytesModel> loaded = new ConcurrentHashMap<>();
        final Set<Long> failing = ConcurrentHashMap.newKeySet();

        @Override
        public BytesModel load(PublishedModel model) {
            if (failing.contains(model.version())) {
                throw new IllegalArgumentException("cannot load parameters into embedding-cnn: tensor 0 has the wrong shape");
            }
            BytesModel m = new BytesModel(model.version(), model.parameters(), new AtomicBoolean());
            loaded.put(model.version(), m);
            return m;
        }
    }

    static ModelManifest draft(long version) {
        return ModelManifest.builder().version(version).trainingStep(version * 100).architecture("embedding-cnn")
                .input(new InputShape(28, 28, 1)).embeddingSize(64).build();
    }

    static byte[] parameters(long version) {
        byte[] bytes = new byte[3000];
        new java.util.Random(version).nextBytes(bytes);
        return bytes;
    }

    private static String newTopic() {
        String topic = "models-" + TOPICS.incrementAndGet();
        kafka.createTopics(topic);
        return topic;
    }

    private static ModelPublisher publisher(String topic, KeyPair signer) {
        return ModelPublisher.builder().bootstrapServers(kafka.bootstrapServers()).topic(topic).chunkBytes(1000)
                .transactionalId("publisher-" + topic + "-" + (signer == null ? "unsigned" : Ed25519Keys.keyId(signer.getPublic())))
                .signer(signer == null ? null : new ManifestSigner(signer.getPrivate())).build();
    }

    private static void publish(String topic, KeyPair signer, long... versions) {
        try (ModelPublisher publisher = publisher(topic, signer)) {
            for (long version : versions) {
                publisher.publish(draft(version), parameters(version));
            }
        }
    }

    /** Sends records in one committed transaction, as a publisher would, whatever they hold. */
    private static void publishRaw(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "raw-" + topic);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers()));
            }
            producer.commitTransaction();
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> records(long version, ManifestSigner signer) {
        return new ArrayList<>(ModelChunker.builder().chunkBytes(1000).build()
                .chunk(draft(version), parameters(version), signer).records());
    }

    /** The version's records with its manifest replaced by {@code manifestJson}. */
    private static List<ProducerRecord<byte[], byte[]>> withManifest(List<ProducerRecord<byte[], byte[]>> records,
                                                                     byte[] manifestJson) {
        ProducerRecord<byte[], byte[]> m = records.get(records.size() - 1);
        records.set(records.size() - 1, new ProducerRecord<>(m.topic(), null, m.key(), manifestJson, m.headers()));
        return records;
    }

    private static ModelSubscriber.Builder<BytesModel> subscriber(String topic, BytesLoader loader) {
        return ModelSubscriber.builder(loader).bootstrapServers(kafka.bootstrapServers()).topic(topic);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void tamperedChunkAndWrongShaAreRefusedCountedAndTheOldVersionKeepsServing() throws Exception {
        String topic = newTopic();
        publish(topic, null, 1);
        BytesLoader loader = new BytesLoader();
        List<ModelRefusal> refusals = new CopyOnWriteArrayList<>();
        try (ModelSubscriber<BytesModel> models = subscriber(topic, loader).onRefusal(refusals::add).build()) {
            assertTrue(models.awaitModel(WAIT));
            assertEquals(1, models.currentVersion());

            List<ProducerRecord<byte[], byte[]>> tamperedChunk = records(2, null);
            byte[] chunk = tamperedChunk.get(1).value().clone();
            chunk[17] ^= 0x01;
            ProducerRecord<byte[], byte[]> original = tamperedChunk.get(1);
            tamperedChunk.set(1, new ProducerRecord<>(topic, null, original.key(), chunk, original.headers()));
            publishRaw(topic, tamperedChunk);
            await("the tampered chunk to be refused", () -> models.refusedCount() == 1);
            assertTrue(refusals.get(0).reason().startsWith("sha256 mismatch for version 2: manifest says "),
                    refusals.get(0).reason());
            assertEquals("2", refusals.get(0).version());

            List<ProducerRecord<byte[], byte[]>> wrongSha = records(3, null);
            ModelManifest manifest = ModelManifestJson.fromBytes(wrongSha.get(wrongSha.size() - 1).value());
            publishRaw(topic, withManifest(wrongSha, ModelManifestJson.toBytes(manifest.withParameters(
                    manifest.parameterBytes(), Sha256.hex(parameters(99)), manifest.chunkCount(), manifest.chunkBytes()))));
            await("the wrong sha256 to be refused", () -> models.refusedCount() == 2);
            assertTrue(refusals.get(1).reason().startsWith("sha256 mismatch for version 3"), refusals.get(1).reason());

            Served<byte[]> served = models.apply(BytesModel::parameters);
            assertEquals(1, served.version(), "the old version keeps serving");
            assertArrayEquals(parameters(1), served.value());
            assertEquals(Set.of(1L), loader.loaded.keySet(), "refused versions never reach the loader");

            // A caller holding version 1 keeps it open across the swap; it is closed when the caller lets go.
            ModelLease<BytesModel> lease = models.acquire();
            publish(topic, null, 4);
            await("version 4", () -> models.currentVersion() == 4);
            assertEquals(4, models.apply(BytesModel::version).value());
            assertFalse(lease.model().closed().get(), "version 1 is still leased");
            lease.close();
            assertTrue(loader.loaded.get(1L).closed().get(), "the last release closes the replaced version");
            assertEquals(2, models.refusedCount());
            assertEquals(2, models.swapCount());
        }
        assertTrue(loader.loaded.get(4L).closed().get(), "close() closes the served version");
    }

    @Test
    void withAKeyUnsignedForeignAndTamperedVersionsAreRefusedAndAGoodOneAccepted() throws Exception {
        String topic = newTopic();
        String keyId = Ed25519Keys.keyId(PUBLISHER.getPublic());
        BytesLoader loader = new BytesLoader();
        try (ModelSubscriber<BytesModel> models = subscriber(topic, loader).publicKey(PUBLISHER.getPublic()).build()) {
            publish(topic, null, 1);
            await("the unsigned version to be refused", () -> models.refusedCount() == 1);
            publish(topic, STRANGER, 2);
            await("the foreign signature to be refused", () -> models.refusedCount() == 2);
            List<ProducerRecord<byte[], byte[]>> tampered = records(3, new ManifestSigner(PUBLISHER.getPrivate()));
            String json = new String(tampered.get(tampered.size() - 1).value(), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"trainingStep\":300"), json);
            publishRaw(topic, withManifest(tampered,
                    json.replace("\"trainingStep\":300", "\"trainingStep\":301").getBytes(StandardCharsets.UTF_8)));
            await("the tampered manifest to be refused", () -> models.refusedCount() == 3);
            assertFalse(models.awaitModel(Duration.ofMillis(200)));
            assertTrue(models.tryAcquire().isEmpty());
            IllegalStateException none = assertThrows(IllegalStateException.class, () -> models.apply(m -> m));
            assertTrue(none.getMessage().contains("no model version is served yet"), none.getMessage());

            publish(topic, PUBLISHER, 4);
            assertTrue(models.awaitModel(WAIT));
            assertEquals(4, models.currentVersion());
            List<String> reasons = models.recentRefusals().stream().map(ModelRefusal::reason).toList();
            assertEquals(List.of(
                    "version 1 is unsigned, but a signature by key " + keyId + " is required",
                    "version 2 is signed by key " + Ed25519Keys.keyId(STRANGER.getPublic())
                            + ", not by the required key " + keyId,
                    "signature of version 3 does not verify with key " + keyId
                            + ": the manifest was modified after signing"), reasons);
            assertEquals(Set.of(4L), loader.loaded.keySet());
        }
    }

    @Test
    void loaderFailureIsRefusedAndTheOldVersionKeepsServing() throws Exception {
        String topic = newTopic();
        BytesLoader loader = new BytesLoader();
        loader.failing.add(2L);
        publish(topic, null, 1);
        try (ModelSubscriber<BytesModel> models = subscriber(topic, loader).build()) {
            assertTrue(models.awaitModel(WAIT));
            publish(topic, null, 2);
            await("the failing load to be refused", () -> models.refusedCount() == 1);
            assertEquals("version 2 could not be loaded: IllegalArgumentException: cannot load parameters into "
                    + "embedding-cnn: tensor 0 has the wrong shape", models.recentRefusals().get(0).reason());
            assertEquals(1, models.apply(BytesModel::version).version());
            publish(topic, null, 3);
            await("version 3", () -> models.currentVersion() == 3);
        }
    }

    @Test
    void startsAtTheLatestAcceptableVersionReadingBackwardsPastRefusedOnes() throws Exception {
        String topic = newTopic();
        publish(topic, PUBLISHER, 1, 2);
        // Four newer versions of 21 records each, all unsigned: the first 64-record window holds none to serve.
        publish(topic, null, 3, 4, 5, 6);
        BytesLoader loader = new BytesLoader();
        try (ModelSubscriber<BytesModel> models = subscriber(topic, loader).publicKey(PUBLISHER.getPublic())
                .follow(false).build()) {
            assertTrue(models.awaitModel(WAIT));
            assertEquals(2, models.currentVersion());
            assertEquals(Set.of(2L), loader.loaded.keySet(), "older versions are not loaded on the way");
            assertEquals(List.of("3", "4", "5", "6"),
                    models.recentRefusals().stream().map(ModelRefusal::version).sorted().toList(),
                    "the newer, refused versions are reported; older history is not");
        }
        try (ModelSubscriber<BytesModel> models = subscriber(topic, new BytesLoader()).build()) {
            assertTrue(models.awaitModel(WAIT));
            assertEquals(6, models.currentVersion(), "without a key the newest version is served");
            assertEquals(1, models.swapCount());
        }
    }

    @Test
    void startVersionMinimumVersionAndPinning() throws Exception {
        String topic = newTopic();
        publish(topic, null, 1, 2, 3, 4, 5);
        try (ModelSubscriber<BytesModel> pinned = subscriber(topic, new BytesLoader())
                .startFrom(StartPosition.version(3)).follow(false).build()) {
            assertTrue(pinned.awaitModel(WAIT));
            assertEquals(3, pinned.currentVersion());
            publish(topic, null, 6);
            Thread.sleep(500);
            assertEquals(3, pinned.currentVersion(), "a pinned subscriber does not swap");
        }
        try (ModelSubscriber<BytesModel> following = subscriber(topic, new BytesLoader())
                .startFrom(StartPosition.version(4)).build()) {
            await("following from version 4 to reach 6", () -> following.currentVersion() == 6);
        }
        long start = System.nanoTime();
        try (ModelSubscriber<BytesModel> absent = subscriber(topic, new BytesLoader())
                .startFrom(StartPosition.version(9)).follow(false).build()) {
            assertFalse(absent.awaitModel(WAIT), "nothing at or after version 9");
            assertTrue(System.nanoTime() - start < WAIT.toNanos() / 2, "a pinned subscriber gives up at the end");
        }
        try (ModelSubscriber<BytesModel> minimum = subscriber(topic, new BytesLoader()).minimumVersion(8).build()) {
            assertFalse(minimum.awaitModel(Duration.ofMillis(500)));
            publish(topic, null, 7, 8);
            await("version 8", () -> minimum.currentVersion() == 8);
            assertEquals(1, minimum.swapCount(), "version 7 is below the minimum");
            assertEquals(0, minimum.refusedCount(), "skipped, not refused");
        }
    }

    @Test
    void missingTopicIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> subscriber("no-such-models", new BytesLoader()).build());
        assertEquals("topic 'no-such-models' does not exist on " + kafka.bootstrapServers()
                + " (is the training job publishing there? topics.models names it)", e.getMessage());
    }

    /**
     * A version's class table arrives through the topic with it and is held by its lease; a version of an older writer
     * (its class table inline in the manifest's extras) has none, and {@link ClassCentroids} reads its extras instead:
     * both name the same nearest class.
     */
    @Test
    void theClassTableTravelsWithItsVersionAndOldInlineTablesStillNameTheNearestClass() throws Exception {
        String topic = newTopic();
        int classes = 300;
        java.util.Random random = new java.util.Random(4);
        float[] weights = new float[classes * 64];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian();
        }
        List<String> names = new ArrayList<>();
        List<List<Float>> inlineRows = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(c == 5 ? null : "name-" + c);
            List<Float> row = new ArrayList<>();
            for (int j = 0; j < 64; j++) {
                row.add(weights[c * 64 + j]);
            }
            inlineRows.add(row);
        }
        ClassTable table = ClassTable.fromWeights(weights, classes, 64, names);
        ModelManifest old = draft(1).withExtras(Map.of(ModelManifest.CLASS_CENTROIDS_EXTRA, inlineRows,
                ModelManifest.CLASS_NAMES_EXTRA, names));
        publishRaw(topic, ModelChunker.builder().chunkBytes(1000).build().chunk(old, parameters(1)).records());
        BytesLoader loader = new BytesLoader();
        try (ModelSubscriber<BytesModel> models = subscriber(topic, loader).build()) {
            assertTrue(models.awaitModel(WAIT));
            ClassCentroids inline;
            try (ModelLease<BytesModel> lease = models.acquire()) {
                assertTrue(lease.classTable().isEmpty(), "an older version has no class table blob");
                inline = ClassCentroids.of(lease.manifest(), lease.classTable()).orElseThrow();
            }
            try (ModelPublisher publisher = publisher(topic, null)) {
                publisher.publish(draft(2), parameters(2), table, List.of());
            }
            await("version 2", () -> models.currentVersion() == 2);
            try (ModelLease<BytesModel> lease = models.acquire()) {
                ClassTable received = lease.classTable().orElseThrow();
                assertEquals(names, received.names());
                assertArrayEquals(table.bytes(), received.bytes());
                ClassCentroids blob = ClassCentroids.of(lease.manifest(), lease.classTable()).orElseThrow();
                assertEquals(classes, blob.classes());
                for (int i = 0; i < 50; i++) {
                    float[] embedding = new float[64];
                    for (int j = 0; j < 64; j++) {
                        embedding[j] = (float) random.nextGaussian();
                    }
                    ClassCentroids.Nearest fromBlob = blob.nearest(embedding);
                    ClassCentroids.Nearest fromExtras = inline.nearest(embedding);
                    assertEquals(fromExtras.label(), fromBlob.label());
                    assertEquals(fromExtras.name(), fromBlob.name());
                    assertEquals(names.get(fromBlob.label()), fromBlob.name());
                    assertTrue(fromBlob.label() != 5, "an unnamed class is never the answer");
                    assertEquals(fromExtras.distance(), fromBlob.distance(), 1e-6);
                }
            }
        }
    }

    @Test
    void modelDirectoryIsServedVerifiedAndFollowed(@TempDir Path root) throws Exception {
        ModelDirectoryWriter writer = new ModelDirectoryWriter(root);
        writer.write(signed(1, PUBLISHER));
        writer.write(signed(2, STRANGER));
        BytesLoader loader = new BytesLoader();
        try (ModelSubscriber<BytesModel> models = ModelSubscriber.builder(loader).modelDirectory(root)
                .publicKey(PUBLISHER.getPublic()).directoryPollInterval(Duration.ofMillis(50)).build()) {
            assertTrue(models.awaitModel(WAIT));
            assertEquals(1, models.currentVersion(), "version 2 is signed by another key");
            assertEquals(1, models.refusedCount());
            assertTrue(models.recentRefusals().get(0).reason().contains("version 2 is signed by key "),
                    models.recentRefusals().get(0).reason());
            writer.write(signed(3, PUBLISHER));
            await("version 3", () -> models.currentVersion() == 3);
            assertArrayEquals(parameters(3), models.apply(BytesModel::parameters).value());
            assertEquals(1, models.refusedCount(), "a refused version is not retried");
        }
        Path empty = Files.createDirectory(root.resolve("empty"));
        try (ModelSubscriber<BytesModel> none = ModelSubscriber.builder(new BytesLoader()).modelDirectory(empty)
                .follow(false).build()) {
            assertFalse(none.awaitModel(WAIT));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSubscriber.builder(new BytesLoader()).modelDirectory(root.resolve("absent")).build());
        assertEquals("model directory " + root.resolve("absent") + " does not exist", e.getMessage());
    }

    @Test
    void concurrentCallersNeverSeeAClosedModelOrAVersionGoingBack() throws Exception {
        String topic = newTopic();
        publish(topic, null, 1);
        BytesLoader loader = new BytesLoader();
        try (ModelSubscriber<BytesModel> models = subscriber(topic, loader).build()) {
            assertTrue(models.awaitModel(WAIT));
            AtomicBoolean running = new AtomicBoolean(true);
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread caller = new Thread(() -> {
                    long last = 0;
                    while (running.get()) {
                        Served<long[]> r = models.apply(m -> {
                            if (m.closed().get()) {
                                problems.add("version " + m.version() + " used after close");
                            }
                            return new long[] {m.version(), m.parameters()[0]};
                        });
                        if (r.version() < last) {
                            problems.add("version went back from " + last + " to " + r.version());
                        }
                        if (r.value()[0] != r.version() || r.value()[1] != parameters(r.version())[0]) {
                            problems.add("result of version " + r.value()[0] + " labelled " + r.version());
                        }
                        last = r.version();
                    }
                });
                caller.start();
                callers.add(caller);
            }
            for (long v = 2; v <= 6; v++) {
                publish(topic, null, v);
                long version = v;
                await("version " + v, () -> models.currentVersion() == version);
            }
            running.set(false);
            for (Thread caller : callers) {
                caller.join();
            }
            assertEquals(List.of(), problems);
            for (long v = 1; v <= 5; v++) {
                assertTrue(loader.loaded.get(v).closed().get(), "replaced version " + v + " closed");
            }
        }
    }

    private static PublishedModel signed(long version, KeyPair key) {
        byte[] parameters = parameters(version);
        ModelManifest manifest = draft(version).withParameters(parameters.length, Sha256.hex(parameters), 1, 4096);
        return new PublishedModel(new ManifestSigner(key.getPrivate()).sign(manifest), parameters);
    }
}
