package io.embedstream.connectors.kafka;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.broker.Kcat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.embedstream.connectors.dataset.DatasetProducer;
import io.embedstream.connectors.dataset.SendSummary;
import io.embedstream.connectors.model.AssemblyResult;
import io.embedstream.connectors.model.InputShape;
import io.embedstream.connectors.model.ModelAssembler;
import io.embedstream.connectors.model.ModelChunker;
import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.connectors.model.ModelManifestJson;
import io.embedstream.connectors.model.ModelPublisher;
import io.embedstream.connectors.model.Sha256;
import io.embedstream.connectors.wire.DeadLetter;
import io.embedstream.connectors.wire.DeadLetters;
import io.embedstream.connectors.wire.DecodeResult;
import io.embedstream.connectors.wire.ImageRecordDecoder;
import io.embedstream.connectors.wire.ImageRecordEncoder;
import io.embedstream.connectors.wire.PixelBuffer;
import io.embedstream.connectors.wire.TestImages;
import io.embedstream.types.LabeledImage;

/** The wire formats against one real broker (started once for the class), plain clients and kcat. */
class KafkaWireIntegrationTest {

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaBroker.builder().build().start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void datasetProducerImagesDecodeToIdenticalPixels() {
        kafka.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("images-ds", 3, (short) 1)));
        List<LabeledImage> images = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            images.add(TestImages.random("img-" + i, i % 10, 28, 28, i % 4 == 0 ? 3 : 1, i));
        }
        List<long[]> progress = new ArrayList<>();
        SendSummary summary;
        try (DatasetProducer producer = DatasetProducer.builder().bootstrapServers(kafka.bootstrapServers())
                .topic("images-ds").progressEvery(10).build()) {
            summary = producer.send(images.iterator(), (s, a, f) -> progress.add(new long[] {s, a, f}));
        }
        assertEquals(40, summary.sent());
        assertEquals(0, summary.failed());
        assertEquals(5, progress.size(), "every 10 images plus the final report");
        assertEquals(40, progress.get(4)[1]);

        ImageRecordDecoder decoder = ImageRecordDecoder.builder().classes(10).build();
        Map<String, LabeledImage> byId = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : consume("images-ds", 40, "read_uncommitted")) {
            LabeledImage image = assertInstanceOf(DecodeResult.Decoded.class, decoder.decode(record)).image();
            byId.put(image.id(), image);
        }
        for (LabeledImage expected : images) {
            LabeledImage actual = byId.get(expected.id());
            assertEquals(expected.label(), actual.label());
            assertEquals(expected.channels(), actual.channels());
            assertArrayEquals(expected.pixels(), actual.pixels(), expected.id());
        }
    }

    @Test
    void rateLimitPacesSends() {
        List<LabeledImage> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            images.add(TestImages.random("r-" + i, 0, 4, 4, 1, i));
        }
        try (DatasetProducer producer = DatasetProducer.builder().bootstrapServers(kafka.bootstrapServers())
                .topic("images-rate").encoder(ImageRecordEncoder.raw()).rateLimit(20).build()) {
            SendSummary summary = producer.send(images.iterator());
            assertEquals(6, summary.sent());
            // 6 images at 20/s: the last one is due 250 ms after the first.
            assertTrue(summary.elapsed().toMillis() >= 240, "elapsed " + summary.elapsed());
        }
    }

    @Test
    void kcatProducedPngIsDecoded(@TempDir Path dir) throws Exception {
        LabeledImage image = TestImages.random("unused", 0, 20, 16, 3, 77);
        Path png = dir.resolve("digit.png");
        Files.write(png, ImageRecordEncoder.encodePng(new PixelBuffer(20, 16, 3, image.pixels())));
        Kcat.Result result = Kcat.run(List.of("-P", "-b", kafka.bootstrapServers(), "-t", "images-kcat",
                "-H", "label=3", png.toString()));
        assertEquals(0, result.exitCode(), result.stderr());

        ConsumerRecord<byte[], byte[]> record = consume("images-kcat", 1, "read_uncommitted").get(0);
        LabeledImage decoded = assertInstanceOf(DecodeResult.Decoded.class,
                ImageRecordDecoder.builder().classes(10).build().decode(record)).image();
        assertEquals(3, decoded.label());
        assertEquals("images-kcat-0-0", decoded.id());
        assertArrayEquals(image.pixels(), decoded.pixels());
    }

    @Test
    void kcatReadsPublishedManifest() throws Exception {
        byte[] parameters = "printable parameters so kcat output stays text".getBytes(StandardCharsets.UTF_8);
        ModelManifest published;
        try (ModelPublisher publisher = ModelPublisher.builder().bootstrapServers(kafka.bootstrapServers())
                .topic("models-kcat").transactionalId("kcat-test").build()) {
            published = publisher.publish(draft(42), parameters);
        }
        Kcat.Result result = Kcat.run(List.of("-C", "-b", kafka.bootstrapServers(), "-t", "models-kcat",
                "-e", "-q", "-f", "%k %h %s\\n"));
        assertEquals(0, result.exitCode(), result.stderr());
        String manifestLine = result.stdout().lines()
                .filter(line -> line.contains("embedstream-type=manifest")).findFirst()
                .orElseThrow(() -> new AssertionError("no manifest in kcat output:\n" + result.stdout()));
        assertTrue(manifestLine.startsWith("42 "), manifestLine);
        assertTrue(manifestLine.contains("chunk-count=1"), manifestLine);
        String json = manifestLine.substring(manifestLine.indexOf('{'));
        ModelManifest parsed = ModelManifestJson.fromBytes(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(published, parsed);
        assertTrue(result.stdout().lines().anyMatch(l -> l.startsWith("42 ")
                && l.contains("embedstream-type=chunk,chunk-index=0,chunk-count=1")), result.stdout());
    }

    @Test
    void transactionalModelRoundTripAndTamperDetection() {
        String topic = "models-tx";
        byte[] parameters = new byte[3 * 1024 * 1024];
        new Random(3).nextBytes(parameters);
        try (ModelPublisher publisher = ModelPublisher.builder().bootstrapServers(kafka.bootstrapServers())
                .topic(topic).transactionalId("tx-test").build()) {
            publisher.publish(draft(1), parameters);
        }
        // Version 2 is aborted: read_committed consumers must never see it.
        // Version 3 is committed with one chunk altered after chunking: the assembler must refuse it.
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("tx-raw")) {
            producer.initTransactions();
            List<ProducerRecord<byte[], byte[]>> aborted = ModelChunker.builder().topic(topic).build()
                    .chunk(draft(2), new byte[1000]).records();
            producer.beginTransaction();
            aborted.forEach(producer::send);
            producer.flush();
            producer.abortTransaction();

            List<ProducerRecord<byte[], byte[]>> tampered = new ArrayList<>(ModelChunker.builder().topic(topic).build()
                    .chunk(draft(3), parameters).records());
            ProducerRecord<byte[], byte[]> original = tampered.get(2);
            byte[] altered = original.value().clone();
            altered[100] ^= 0x40;
            tampered.set(2, new ProducerRecord<>(topic, null, original.key(), altered, original.headers()));
            producer.beginTransaction();
            tampered.forEach(producer::send);
            producer.commitTransaction();
        }

        // 3 MiB = 6 chunks of 512 KiB + manifest, twice (versions 1 and 3).
        List<ConsumerRecord<byte[], byte[]>> records = consume(topic, 14, "read_committed");
        ModelAssembler assembler = ModelAssembler.builder().build();
        List<AssemblyResult> outcomes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertTrue(!"2".equals(new String(record.key(), StandardCharsets.UTF_8)), "aborted version visible");
            AssemblyResult result = assembler.accept(record);
            if (!(result instanceof AssemblyResult.Pending)) {
                outcomes.add(result);
            }
        }
        assertEquals(2, outcomes.size(), outcomes.toString());
        AssemblyResult.Completed completed = assertInstanceOf(AssemblyResult.Completed.class, outcomes.get(0));
        assertEquals(1, completed.model().version());
        assertEquals(6, completed.model().manifest().chunkCount());
        assertEquals(Sha256.hex(parameters), completed.model().manifest().parameterSha256());
        assertArrayEquals(parameters, completed.model().parameters());
        AssemblyResult.Rejected rejected = assertInstanceOf(AssemblyResult.Rejected.class, outcomes.get(1));
        assertEquals("3", rejected.key());
        assertTrue(rejected.reason().startsWith("sha256 mismatch for version 3"), rejected.reason());
    }

    @Test
    void rejectedRecordGoesToDeadLetterTopicIntact() {
        byte[] value = "definitely not an image".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = plainProducer()) {
            ProducerRecord<byte[], byte[]> bad = new ProducerRecord<>("images-bad", value);
            bad.headers().add("id", "bad-1".getBytes(StandardCharsets.UTF_8));
            bad.headers().add("trace", new byte[] {1, 2, 3});
            producer.send(bad);
            producer.flush();

            ConsumerRecord<byte[], byte[]> consumed = consume("images-bad", 1, "read_uncommitted").get(0);
            DecodeResult.Rejected rejection = assertInstanceOf(DecodeResult.Rejected.class,
                    ImageRecordDecoder.builder().classes(10).build().decode(consumed));
            assertEquals("missing header 'label'", rejection.reason());
            producer.send(DeadLetters.toProducerRecord("images-bad.dlq", DeadLetter.of(consumed, rejection)));
            producer.flush();
        }
        ConsumerRecord<byte[], byte[]> dead = consume("images-bad.dlq", 1, "read_uncommitted").get(0);
        assertArrayEquals(value, dead.value());
        assertEquals("missing header 'label'", header(dead, "error"));
        assertEquals("headers", header(dead, "error-stage"));
        assertEquals("images-bad-0-0", header(dead, "source"));
        assertEquals("bad-1", header(dead, "id"));
        assertArrayEquals(new byte[] {1, 2, 3}, dead.headers().lastHeader("trace").value());
        DeadLetter letter = DeadLetters.fromConsumerRecord(dead);
        assertEquals("images-bad", letter.source().topic());
        assertEquals(2, letter.headers().size(), "original headers only");
    }

    private static ModelManifest draft(long version) {
        return ModelManifest.builder().version(version).trainingStep(100 * version).architecture("embedding-cnn")
                .input(new InputShape(28, 28, 1)).embeddingSize(32).loss(Map.of("name", "triplet")).build();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> plainProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer(String transactionalId) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    /** Reads {@code count} records from all partitions of {@code topic} from the beginning (no consumer group). */
    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count, String isolationLevel) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.currentTimeMillis() + 30_000;
            while (records.size() < count && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // One more short poll: anything beyond the expected count is a test failure, not noise.
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        }
        assertEquals(count, records.size(), "records consumed from " + topic);
        return records;
    }
}
