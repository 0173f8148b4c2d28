package io.embedstream.pipeline.cli;

import io.embedstream.pipeline.PipelineTestSupport;
import io.embedstream.pipeline.PipelineTestSupport.CommandOutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.wire.DecodeResult;
import io.embedstream.connectors.wire.ImageRecordDecoder;
import io.embedstream.connectors.wire.PixelBuffer;
import io.embedstream.connectors.wire.PixelConversions;
import io.embedstream.connectors.wire.metrics.AlarmChange;
import io.embedstream.connectors.wire.metrics.BatcherTotals;
import io.embedstream.connectors.wire.metrics.LossMeans;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.connectors.wire.metrics.QualitySummary;
import io.embedstream.connectors.wire.metrics.VersionDriftFigures;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.operators.ModelDirectorySink;
import io.embedstream.pipeline.types.ModelSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real broker, and its exit codes for bad input. */
class CommandLineTest {

    @Test
    void produceSendsDecodableLabeledImages() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            broker.createTopics("images");
            assertEquals(0, PipelineLauncher.run("produce", "--bootstrap", broker.bootstrapServers(),
                    "--dataset", "synthetic:120:10", "--count", "150", "--degraded-share", "0.5"));
            List<ConsumerRecord<byte[], byte[]>> records = readAll(broker.bootstrapServers(), "images", 150);
            assertEquals(150, records.size());
            ImageRecordDecoder decoder = ImageRecordDecoder.builder().classes(10).build();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertTrue(decoder.decode(r) instanceof DecodeResult.Decoded, "not decodable: " + decoder.decode(r));
            }
        }
    }

    @Test
    void badInputGetsExitCodeTwoAndNoStackTrace() {
        assertEquals(2, PipelineLauncher.run("fit", "--dataset", "nope"));
        assertEquals(2, PipelineLauncher.run("fit", "--dataset", "synthetic:100:10", "--ac-eps", "-1"));
        assertEquals(2, PipelineLauncher.run("produce", "--dataset", "folder:/definitely/not/here"));
        assertEquals(2, PipelineLauncher.run("train", "--input", "28x28"));
        assertEquals(0, PipelineLauncher.run("demo", "--help"));
    }


    @Test
    void serveCommandsHaveHelpWithDefaults() {
        CommandOutput embed = PipelineTestSupport.runCommand("embed", "--help");
        assertEquals(0, embed.exitCode(), embed.err());
        assertTrue(embed.out().contains("--model-dir") && embed.out().contains("--public-key")
                && embed.out().contains("(default: embedstream.models)"), embed.out());
        CommandOutput watch = PipelineTestSupport.runCommand("watch", "--help");
        assertEquals(0, watch.exitCode(), watch.err());
        assertTrue(watch.out().contains("--max-records") && watch.out().contains("(default: embedstream.metrics)"),
                watch.out());
        for (String command : List.of("keygen")) {
            CommandOutput help = PipelineTestSupport.runCommand(command, "--help");
            assertEquals(0, help.exitCode(), command + ": " + help.err());
        }
    }

    @Test
    void embedOnAnEmptyModelDirectoryFailsClearly(@TempDir Path dir) throws Exception {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path png = writePngs(dir.resolve("images"), SyntheticShapes.builder().build().generate(1)).get(0);
        CommandOutput run = PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), png.toString());
        assertEquals(2, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().contains("error: no model version in model directory " + models
                + " (expected v<version>/manifest.json and parameters.bin"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace");

        CommandOutput absent = PipelineTestSupport.runCommand("embed", "--model-dir", dir.resolve("nope").toString(), png.toString());
        assertEquals(2, absent.exitCode());
        assertTrue(absent.err().contains("model directory " + dir.resolve("nope") + " does not exist"), absent.err());
        CommandOutput noImages = PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), models.toString());
        assertEquals(2, noImages.exitCode());
        assertTrue(noImages.err().contains("no image files"), noImages.err());
    }

    @Test
    void embedAndWatchOnMissingTopicsFailClearly(@TempDir Path dir) throws Exception {
        Path png = writePngs(dir, SyntheticShapes.builder().build().generate(1)).get(0);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            CommandOutput watch = PipelineTestSupport.runCommand("watch", "--bootstrap", broker.bootstrapServers(), "--topic", "no-metrics", "--once");
            assertEquals(2, watch.exitCode());
            assertTrue(watch.err().contains("error: topic 'no-metrics' does not exist on " + broker.bootstrapServers()),
                    watch.err());
            CommandOutput embed = PipelineTestSupport.runCommand("embed", "--bootstrap", broker.bootstrapServers(), "--topic", "no-models",
                    png.toString());
            assertEquals(2, embed.exitCode());
            assertTrue(embed.err().contains("error: topic 'no-models' does not exist on " + broker.bootstrapServers()),
                    embed.err());
            broker.createTopics("models");
            CommandOutput empty = PipelineTestSupport.runCommand("embed", "--bootstrap", broker.bootstrapServers(), "--topic", "models",
                    "--wait", "5", png.toString());
            assertEquals(2, empty.exitCode());
            assertTrue(empty.err().contains("error: no model version on topic models"), empty.err());
        }
    }

    @Test
    void embedPrintsVersionAndNearestClassFromThePipelinesModelDirectory(@TempDir Path dir) throws Exception {
        TrainerConfig config = TrainerConfig.builder().classes(4).build();
        List<LabeledImage> images = SyntheticShapes.builder().seed(11).build().generate(4);
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = 3;
        snapshot.step = 300;
        snapshot.timestampMillis = System.currentTimeMillis();
        snapshot.classes = 4;
        int d = config.network().embeddingSize();
        snapshot.classWeights = new float[4 * d];
        try (EmbeddingModel model = EmbeddingModel.create(config.network(), Device.cpu(), 7)) {
            snapshot.parameters = model.parametersToBytes();
            // Class c's direction is image c's embedding: the nearest class of image c must be c, at distance 0.
            float[][] embeddings = model.embed(images, 4);
            for (int c = 0; c < 4; c++) {
                System.arraycopy(embeddings[c], 0, snapshot.classWeights, c * d, d);
            }
        }
        assertEquals(0, PipelineTestSupport.runCommand("keygen", "--out", dir.resolve("keys").toString()).exitCode());
        assertEquals(0, PipelineTestSupport.runCommand("keygen", "--out", dir.resolve("keys").toString(), "--name", "other").exitCode());
        Path models = dir.resolve("models");
        ModelDirectorySink sink = new ModelDirectorySink(config, models.toString(),
                dir.resolve("keys/embedstream-signing.key").toString());
        sink.open(null);
        sink.invoke(snapshot, null);
        Path folder = dir.resolve("images");
        writePngs(folder, images);
        Files.writeString(folder.resolve("notes.txt"), "not an image");

        CommandOutput run = PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), "--public-key",
                dir.resolve("keys/embedstream-signing.pub").toString(), folder.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(4, lines.size(), run.out());
        ObjectMapper json = new ObjectMapper();
        for (int c = 0; c < 4; c++) {
            JsonNode line = json.readTree(lines.get(c));
            assertEquals(folder.resolve(c + ".png").toString(), line.get("file").asText());
            assertEquals(3, line.get("version").asLong());
            assertEquals(d, line.get("embedding").size());
            assertEquals(c, line.get("nearest_class").asInt(), lines.get(c));
            assertTrue(line.get("distance").asDouble() < 1e-4, lines.get(c));
            assertFalse(line.has("nearest_class_name"), "a manifest without names: " + lines.get(c));
        }

        CommandOutput foreign = PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), "--public-key",
                dir.resolve("keys/other.pub").toString(), folder.toString());
        assertEquals(2, foreign.exitCode());
        assertTrue(foreign.err().contains("refused 1, the last: ") && foreign.err().contains("version 3 is signed by key"),
                foreign.err());
        CommandOutput missingVersion = PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), "--version", "2", folder.toString());
        assertEquals(2, missingVersion.exitCode());
        assertTrue(missingVersion.err().contains("model version 2 is not available from model directory " + models
                + " (the first version after it is 3)"), missingVersion.err());
    }

    @Test
    void embedAnswersWithTheNearestNamedClassWhenTheManifestNamesItsClasses(@TempDir Path dir) throws Exception {
        TrainerConfig config = TrainerConfig.builder().classes(4).build();
        List<LabeledImage> images = SyntheticShapes.builder().seed(11).build().generate(4);
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = 5;
        snapshot.step = 50;
        snapshot.timestampMillis = System.currentTimeMillis();
        snapshot.classes = 4;
        // Class 1 has no name (a row no class has trained yet): it must never be the answer.
        snapshot.classNames = new String[] {"circle \u00e9", null, "square", "3"};
        int d = config.network().embeddingSize();
        snapshot.classWeights = new float[4 * d];
        float[][] embeddings;
        try (EmbeddingModel model = EmbeddingModel.create(config.network(), Device.cpu(), 7)) {
            snapshot.parameters = model.parametersToBytes();
            embeddings = model.embed(images, 4);
            for (int c = 0; c < 4; c++) {
                System.arraycopy(embeddings[c], 0, snapshot.classWeights, c * d, d);
            }
        }
        Path models = dir.resolve("models");
        ModelDirectorySink sink = new ModelDirectorySink(config, models.toString());
        sink.open(null);
        sink.invoke(snapshot, null);
        Path folder = dir.resolve("images");
        writePngs(folder, images);

        CommandOutput run = PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), folder.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(4, lines.size(), run.out());
        ObjectMapper json = new ObjectMapper();
        for (int c = 0; c < 4; c++) {
            JsonNode line = json.readTree(lines.get(c));
            int nearest = line.get("nearest_class").asInt();
            if (c != 1) {
                assertEquals(c, nearest, lines.get(c));
                assertTrue(line.get("distance").asDouble() < 1e-4, lines.get(c));
            } else {
                // The named class at the smallest cosine distance from image 1, computed here.
                int expected = -1;
                double best = Double.NEGATIVE_INFINITY;
                for (int k : new int[] {0, 2, 3}) {
                    double cos = cosine(embeddings[1], embeddings[k]);
                    if (cos > best) {
                        best = cos;
                        expected = k;
                    }
                }
                assertEquals(expected, nearest, lines.get(c));
                assertEquals(1 - best, line.get("distance").asDouble(), 1e-5, lines.get(c));
            }
            assertEquals(snapshot.classNames[nearest], line.get("nearest_class_name").asText(), lines.get(c));
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void watchShowsWindowsAlarmsAndReasons() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            broker.createTopics("metrics");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", broker.bootstrapServers()), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int w = 1; w <= 3; w++) {
                    producer.send(new ProducerRecord<>("metrics", Integer.toString(w).getBytes(StandardCharsets.UTF_8),
                            window(w).getBytes(StandardCharsets.UTF_8)));
                }
            }
            CommandOutput plain = PipelineTestSupport.runCommand("watch", "--bootstrap", broker.bootstrapServers(), "--topic", "metrics",
                    "--from-beginning", "--max-records", "3", "--color", "never");
            assertEquals(0, plain.exitCode(), plain.err());
            List<String> lines = plain.out().lines().toList();
            assertEquals(5, lines.size(), plain.out());
            assertTrue(lines.get(0).contains("window") && lines.get(0).contains("eff.rank")
                    && lines.get(0).contains("drift.p") && lines.get(0).contains("ldmat"), lines.get(0));
            assertTrue(lines.get(1).startsWith("  ") && lines.get(1).contains("23.4") && lines.get(1).contains("+0.31")
                    && lines.get(1).contains("0.410"), lines.get(1));
            assertTrue(lines.get(2).startsWith("! ") && lines.get(2).contains("0.004*")
                    && lines.get(2).endsWith("DATA_DRIFT"), lines.get(2));
            assertEquals("  window 2: DATA_DRIFT RAISED: MMD p-value 0.0040 <= alpha 0.0100", lines.get(3));
            assertTrue(lines.get(4).contains("1>2 0.93"), lines.get(4));
            assertFalse(plain.out().contains("\u001b"), "no ANSI codes when asked for none");

            CommandOutput colored = PipelineTestSupport.runCommand("watch", "--bootstrap", broker.bootstrapServers(), "--topic", "metrics", "--once",
                    "--color", "always");
            assertEquals(0, colored.exitCode(), colored.err());
            assertTrue(colored.out().contains("\u001b[31m") && colored.out().contains("alarm events"), colored.out());
        }
    }

    /** A metrics window through the topic's wire class; window 2 raises a data-drift alarm, window 3 has version drift. */
    private static String window(int w) {
        boolean drift = w == 2;
        Map<String, Double> loss = new LinkedHashMap<>();
        loss.put("cm", 0.6);
        loss.put("ldmat", 0.05);
        loss.put("anticollapse_proxies", 0.48);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(MetricsRecord.EFFECTIVE_RANK, 23.4);
        metrics.put(MetricsRecord.NORM_QUALITY_SPEARMAN, 0.31);
        metrics.put(MetricsRecord.DRIFT_P_VALUE, drift ? 0.004 : 0.41);
        MetricsRecord record = new MetricsRecord(w, w * 8L, w == 3 ? 2 : 1, Instant.parse("2026-11-23T19:00:00Z")
                .plusSeconds(w), 1024, 8, 190.4, 0, 0, 0, new BatcherTotals(1024L * w, 0, 0), 0.01f,
                OptionalDouble.of(3.2), new LossMeans(OptionalDouble.of(1.1), loss),
                Optional.of(new QualitySummary(0.91, 0.62, 0.2, 0.08)), metrics, List.of(),
                w == 3 ? Optional.of(new VersionDriftFigures(1, 2, Map.of(VersionDriftFigures.CKA, 0.93))) : Optional.empty(),
                drift ? List.of(new AlarmChange("DATA_DRIFT", AlarmChange.RAISED, "MMD p-value 0.0040 <= alpha 0.0100"))
                        : List.of(),
                drift ? List.of("DATA_DRIFT") : List.of());
        return new String(record.toJson(), StandardCharsets.UTF_8);
    }

    private static List<Path> writePngs(Path folder, List<LabeledImage> images) throws Exception {
        Files.createDirectories(folder);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            LabeledImage image = images.get(i);
            Path file = folder.resolve(i + ".png");
            ImageIO.write(PixelConversions.toBufferedImage(new PixelBuffer(image.width(), image.height(),
                    image.channels(), image.pixels())), "png", file.toFile());
            files.add(file);
        }
        return files;
    }

    @Test
    void dashboardRefusesAMissingTopicOrReplayFileWithAClearMessage() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String[] err = new String[1];
            assertEquals(2, withStderr(err, () -> PipelineLauncher.run("dashboard", "--bootstrap", broker.bootstrapServers(),
                    "--topic", "no.such.topic", "--port", "0")));
            assertTrue(err[0].contains("metrics topic 'no.such.topic' does not exist on " + broker.bootstrapServers()),
                    err[0]);
            assertFalse(err[0].contains("\tat "), "no stack trace: " + err[0]);
            assertEquals(2, withStderr(err, () -> PipelineLauncher.run("dashboard", "--replay", "/definitely/not/here.jsonl")));
            assertTrue(err[0].contains("replay file /definitely/not/here.jsonl does not exist"), err[0]);
            assertEquals(0, PipelineLauncher.run("dashboard", "--help"));
            assertEquals(0, PipelineLauncher.run("demo", "--help"));
        }
    }

    private static int withStderr(String[] captured, java.util.function.IntSupplier run) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            return run.getAsInt();
        } finally {
            System.setErr(original);
            captured[0] = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "cli-test");
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
            }
        }
        return records;
    }
}
