package io.embedstream.pipeline;

import static io.embedstream.pipeline.PipelineTestSupport.accumulator;
import static io.embedstream.pipeline.PipelineTestSupport.assertRunning;
import static io.embedstream.pipeline.PipelineTestSupport.await;
import static io.embedstream.pipeline.PipelineTestSupport.readAll;
import static io.embedstream.pipeline.PipelineTestSupport.startWithoutRestarts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.broker.Kcat;
import io.embedstream.connectors.model.AssemblyResult;
import io.embedstream.connectors.model.ModelAssembler;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.connectors.wire.DeadLetters;
import io.embedstream.connectors.wire.GoldenRecords;
import io.embedstream.connectors.wire.ImageRecordEncoder;
import io.embedstream.connectors.wire.JsonSchemaCheck;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.connectors.wire.metrics.VersionDriftFigures;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.operators.Accumulators;
import ai.djl.Device;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product on real parts: an embedded KRaft broker, the job on a Flink MiniCluster with RocksDB and
 * exactly-once sinks, 3,000 good images from our producer, 20 from kcat, and 50 malformed records.
 */
class EndToEndPipelineTest {
    private static final int GOOD = 3000;
    private static final int KCAT = 20;
    private static final int BAD_PER_KIND = 10;

    @TempDir
    Path temp;

    @Test
    void trainsPublishesModelsAndMetricsAndDeadLettersExactlyTheBadRecords() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            PipelineConfig config = PipelineTestSupport.smallJob(bootstrap, temp.resolve("checkpoints"), 10);
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic());

            List<LabeledImage> good = SyntheticShapes.builder().seed(5).build().generate(GOOD);
            PipelineTestSupport.produce(bootstrap, config, good);
            produceWithKcat(bootstrap, config.kafka().imagesTopic());
            produceMalformed(bootstrap, config.kafka().imagesTopic());

            JobClient job = startWithoutRestarts(config);
            try {
                int expectedGood = GOOD + KCAT;
                await(job, "every good image trained on or dropped, every bad one dead-lettered", Duration.ofMinutes(6),
                        () -> accumulator(job, Accumulators.TRAINED_FRESH)
                                + accumulator(job, Accumulators.BATCHER_DROPPED) >= expectedGood
                                && accumulator(job, Accumulators.DEAD_LETTERED) >= 5L * BAD_PER_KIND);
                assertEquals(expectedGood, accumulator(job, Accumulators.DECODED));
                assertEquals(expectedGood, accumulator(job, Accumulators.BATCHER_INGESTED));
                assertEquals(expectedGood, accumulator(job, Accumulators.TRAINED_FRESH)
                        + accumulator(job, Accumulators.BATCHER_DROPPED), "each good record trained once or dropped");
                assertEquals(5L * BAD_PER_KIND, accumulator(job, Accumulators.DEAD_LETTERED));

                checkDeadLetters(bootstrap, config);
                checkModels(bootstrap, config);
                checkMetrics(bootstrap, config);
                checkKcatReadsWhatWePublish(bootstrap, config);
                assertRunning(job);
            } finally {
                job.cancel().get();
            }
        }
    }

    private void produceWithKcat(String bootstrap, String topic) throws Exception {
        List<LabeledImage> images = SyntheticShapes.builder().seed(77).build().generate(KCAT);
        for (LabeledImage image : images) {
            Path file = temp.resolve(image.id() + ".png");
            Files.write(file, ImageRecordEncoder.png().encode(image).value());
            Kcat.Result result = Kcat.run(List.of("-P", "-b", bootstrap, "-t", topic,
                    "-H", "label=" + image.label(), file.toString()));
            assertEquals(0, result.exitCode(), result.stderr());
        }
    }

    private static void produceMalformed(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        Random random = new Random(3);
        byte[] png = ImageRecordEncoder.png().encode(SyntheticShapes.builder().seed(9).build().next()).value();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < BAD_PER_KIND; i++) {
                byte[] truncated = Arrays.copyOf(png, png.length / 2);
                send(producer, topic, truncated, Map.of("label", "1"));
                byte[] noise = new byte[200 + random.nextInt(500)];
                random.nextBytes(noise);
                send(producer, topic, noise, Map.of("label", "2"));
                send(producer, topic, png, Map.of());
                send(producer, topic, png, Map.of("label", Integer.toString(10 + i)));
                send(producer, topic, new byte[64], Map.of("label", "3", "content-type", "image/x-raw-u8",
                        "width", "100000", "height", "100000", "channels", "1"));
            }
            producer.flush();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value,
                             Map<String, String> headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, value);
        headers.forEach((k, v) -> record.headers().add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
        producer.send(record);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void checkDeadLetters(String bootstrap, PipelineConfig config) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> dlq = new ArrayList<>();
        await("50 committed dead letters", Duration.ofSeconds(60), () -> {
            dlq.clear();
            dlq.addAll(readAll(bootstrap, config.kafka().deadLetterTopic(), Duration.ofSeconds(2)));
            return dlq.size() >= 5 * BAD_PER_KIND;
        });
        assertEquals(5 * BAD_PER_KIND, dlq.size());
        Map<String, Integer> reasons = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            String error = header(r, DeadLetters.ERROR);
            assertTrue(error != null && !error.isBlank(), "dead letter without a reason");
            assertTrue(header(r, DeadLetters.ERROR_STAGE) != null);
            String kind = error.startsWith("missing header 'label'") ? "missing label"
                    : error.contains("out of range") ? "label out of range"
                    : error.contains("exceeds max pixels") ? "absurd size"
                    : error.startsWith("truncated") || error.contains("corrupt") ? "truncated"
                    : error.startsWith("not a decodable image") ? "not an image" : error;
            reasons.merge(kind, 1, Integer::sum);
        }
        // Half a PNG may fail as "truncated" or as "not decodable" depending on where it is cut.
        assertEquals(BAD_PER_KIND, reasons.getOrDefault("missing label", 0), reasons.toString());
        assertEquals(BAD_PER_KIND, reasons.getOrDefault("label out of range", 0), reasons.toString());
        assertEquals(BAD_PER_KIND, reasons.getOrDefault("absurd size", 0), reasons.toString());
        assertEquals(2 * BAD_PER_KIND, reasons.getOrDefault("truncated", 0) + reasons.getOrDefault("not an image", 0),
                reasons.toString());
    }

    private static void checkModels(String bootstrap, PipelineConfig config) throws Exception {
        List<PublishedModel> versions = new ArrayList<>();
        await("at least two committed model versions", Duration.ofSeconds(60), () -> {
            versions.clear();
            ModelAssembler assembler = ModelAssembler.builder().build();
            for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, config.kafka().modelsTopic(), Duration.ofSeconds(2))) {
                AssemblyResult result = assembler.accept(r);
                if (result instanceof AssemblyResult.Completed c) {
                    versions.add(c.model());
                }
                assertFalse(result instanceof AssemblyResult.Rejected, () -> "rejected: " + result);
            }
            return versions.size() >= 2;
        });
        long previous = 0;
        long previousStep = -1;
        for (PublishedModel model : versions) {
            assertTrue(model.manifest().version() > previous, "versions strictly increase");
            assertTrue(model.manifest().trainingStep() > previousStep, "steps increase");
            previous = model.manifest().version();
            previousStep = model.manifest().trainingStep();
            assertEquals(32, model.manifest().embeddingSize());
            // The class table travels beside the parameters: one unit row per class of the embedding's size.
            assertEquals(((Number) model.manifest().extras().get("classes")).intValue(), model.classTable().classes());
            assertTrue(model.classTable().classes() >= config.trainer().classes());
            assertEquals(32, model.classTable().dimensions());
        }
        PublishedModel last = versions.get(versions.size() - 1);
        try (EmbeddingModel embedder = EmbeddingModel.create(config.trainer().network(), Device.cpu(), 1)) {
            embedder.loadParameters(last.parameters());
            float[][] e = embedder.embed(SyntheticShapes.builder().seed(1).build().generate(4), 4);
            for (float[] row : e) {
                assertEquals(32, row.length);
                for (float v : row) {
                    assertTrue(Float.isFinite(v));
                }
            }
        }
    }

    private static void checkMetrics(String bootstrap, PipelineConfig config) throws Exception {
        JsonSchemaCheck schema = JsonSchemaCheck.load(GoldenRecords.METRICS_SCHEMA);
        List<MetricsRecord> windows = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, config.kafka().metricsTopic(), Duration.ofSeconds(2))) {
            schema.assertConforms(r.value());
            windows.add(MetricsRecord.fromJson(r.value()));
        }
        assertTrue(windows.size() >= 5, "expected several metrics windows, got " + windows.size());
        for (MetricsRecord w : windows) {
            assertTrue(w.loss().terms().containsKey("cm") && w.loss().terms().containsKey("ldmat")
                    && w.loss().total().isPresent(), w.loss().toString());
            assertTrue(w.quality().isPresent(), "window " + w.window() + " has no quality summary");
            for (String metric : List.of(MetricsRecord.EFFECTIVE_RANK, "collapse.coding_rate", "norms.mean",
                    MetricsRecord.NORM_QUALITY_SPEARMAN, "separation.nc1", "separation.uniformity")) {
                assertTrue(w.metric(metric).isPresent(), "window lacks " + metric + ": " + w.metrics());
            }
        }
        assertTrue(windows.stream().anyMatch(w -> w.metric(MetricsRecord.DRIFT_P_VALUE).isPresent()), "no data-drift figure");
        assertTrue(windows.stream().anyMatch(w -> w.versionDrift().isPresent()
                && w.versionDrift().get().figures().containsKey(VersionDriftFigures.CKA)), "no model-version drift figure");
        Map<Long, Integer> seen = new HashMap<>();
        windows.forEach(w -> seen.merge(w.window(), 1, Integer::sum));
        assertTrue(seen.values().stream().allMatch(c -> c == 1), "a window was published twice: " + seen);
    }

    private static void checkKcatReadsWhatWePublish(String bootstrap, PipelineConfig config) throws Exception {
        Kcat.Result models = Kcat.run(List.of("-C", "-b", bootstrap, "-t", config.kafka().modelsTopic(), "-e", "-q",
                "-f", "%k %h\\n"));
        assertEquals(0, models.exitCode(), models.stderr());
        assertTrue(models.stdout().contains("embedstream-type=manifest"), models.stdout());
        Kcat.Result metrics = Kcat.run(List.of("-C", "-b", bootstrap, "-t", config.kafka().metricsTopic(), "-e", "-q",
                "-f", "%s\\n"));
        assertEquals(0, metrics.exitCode(), metrics.stderr());
        String firstLine = metrics.stdout().lines().findFirst().orElseThrow();
        assertTrue(MetricsRecord.fromJson(firstLine.getBytes(StandardCharsets.UTF_8))
                .metric(MetricsRecord.EFFECTIVE_RANK).isPresent(), firstLine);
    }
}
