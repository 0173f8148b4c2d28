package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.connectors.model.AssemblyResult;
import io.embedstream.connectors.model.ClassTable;
import io.embedstream.connectors.model.Ed25519Keys;
import io.embedstream.connectors.model.ManifestSigner;
import io.embedstream.connectors.model.ManifestVerifier;
import io.embedstream.connectors.model.ModelAssembler;
import io.embedstream.connectors.model.ModelChunker;
import io.embedstream.connectors.model.ModelManifest;
import io.embedstream.connectors.model.ModelTopic;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.connectors.wire.WireHeaders;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.PipelineTestSupport;
import io.embedstream.pipeline.PipelineTestSupport.CommandOutput;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.serving.ClassCentroids;
import io.embedstream.types.LabeledImage;
import io.embedstream.connectors.wire.ImageRecordEncoder;
import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class table travels in chunks beside the parameters, so a version of tens of thousands of classes is published
 * in records that each fit Kafka's default 1 MiB, arrives whole (every row and name), and {@code embed} names the
 * nearest class among them.
 */
class ClassTablePublishingTest {
    /** Kafka's default {@code max.request.size} and {@code message.max.bytes} (1 MiB). */
    private static final int ONE_MIB = 1024 * 1024;
    private static final int D = 128;
    private static final TrainerConfig CONFIG = TrainerConfig.builder().classes(10)
            .network(NetworkConfig.builder().embeddingSize(D).build()).build();

    @Test
    void tenThousandNamedClassesTravelInRecordsUnderOneMibAndArriveWhole() {
        roundTrip(10_000);
    }

    @Test
    void aHundredThousandNamedClassesTravelInRecordsUnderOneMibAndArriveWhole() {
        roundTrip(100_000);
    }

    private static void roundTrip(int classes) {
        ModelSnapshot snapshot = snapshot(classes, new Random(classes));
        KeyPair key = Ed25519Keys.generate();
        List<ProducerRecord<byte[], byte[]>> records = ModelChunker.builder().topic("models").build()
                .chunk(ModelRecordsFunction.draftManifest(CONFIG, snapshot), snapshot.parameters,
                        ModelRecordsFunction.classTable(CONFIG, snapshot), new ManifestSigner(key.getPrivate()))
                .records();
        int largest = 0;
        int tableChunks = 0;
        for (ProducerRecord<byte[], byte[]> record : records) {
            largest = Math.max(largest, size(record));
            if (ModelTopic.BLOB_CLASS_TABLE.equals(header(record, ModelTopic.BLOB))) {
                tableChunks++;
            }
        }
        System.out.printf(java.util.Locale.ROOT, "%,d classes x %d: class table %,d bytes in %d chunks, %d records,"
                + " largest record %,d bytes, manifest %,d bytes%n", classes, D,
                records.stream().filter(r -> ModelTopic.BLOB_CLASS_TABLE.equals(header(r, ModelTopic.BLOB)))
                        .mapToLong(r -> r.value().length).sum(), tableChunks, records.size(), largest,
                records.get(records.size() - 1).value().length);
        assertTrue(largest < ONE_MIB, "largest record " + largest + " bytes");
        // Rows of 128 float32 plus a name each, in chunks of 512 KiB.
        long tableBytes = (long) classes * D * 4;
        assertTrue(tableChunks > tableBytes / ModelTopic.DEFAULT_CHUNK_BYTES, tableChunks + " class table chunks");
        ProducerRecord<byte[], byte[]> manifestRecord = records.get(records.size() - 1);
        assertTrue(manifestRecord.value().length < 4096, "the manifest stays small: "
                + manifestRecord.value().length + " bytes");

        ModelAssembler assembler = ModelAssembler.builder()
                .verifier(ManifestVerifier.requireSignatureBy(key.getPublic())).build();
        AssemblyResult last = null;
        for (ProducerRecord<byte[], byte[]> record : records) {
            last = assembler.accept(record.key(), record.value(), WireHeaders.fromKafka(record.headers()));
            assertFalse(last instanceof AssemblyResult.Rejected, () -> "rejected: " + record);
        }
        PublishedModel model = assertInstanceOf(AssemblyResult.Completed.class, last).model();
        assertEquals(0, assembler.pendingBytes());
        ModelManifest.ClassTableRef ref = model.manifest().classTable();
        assertEquals(classes, ref.classes());
        assertEquals(D, ref.dimensions());
        assertEquals(tableChunks, ref.chunkCount());
        assertFalse(model.manifest().extras().containsKey(ModelManifest.CLASS_CENTROIDS_EXTRA), "no inline table");
        ClassTable table = model.classTable();
        assertEquals(classes, table.names().size());
        for (int c = 0; c < classes; c += 997) {
            assertEquals(snapshot.classNames[c], table.names().get(c));
        }
        assertEquals("id-" + (classes - 1), table.names().get(classes - 1));
        float[] rows = table.rows();
        double worst = 0;
        for (int c = 0; c < classes; c++) {
            double norm = 0;
            for (int j = 0; j < D; j++) {
                norm += (double) snapshot.classWeights[c * D + j] * snapshot.classWeights[c * D + j];
            }
            for (int j = 0; j < D; j++) {
                worst = Math.max(worst, Math.abs(rows[c * D + j] - snapshot.classWeights[c * D + j] / Math.sqrt(norm)));
            }
        }
        assertTrue(worst < 1e-6, "each row is its class weights at unit length: worst difference " + worst);
    }

    /**
     * 10,000 named classes of random directions, four of them the directions of four images' embeddings: {@code embed}
     * (from the model directory, so through {@code class_table.bin}) and {@link ClassCentroids} name those four.
     */
    @Test
    void embedNamesTheNearestOfTenThousandClasses(@TempDir Path dir) throws Exception {
        int classes = 10_000;
        int[] planted = {0, 2_500, 7_777, classes - 1};
        List<LabeledImage> images = SyntheticShapes.builder().seed(11).build().generate(planted.length);
        ModelSnapshot snapshot = snapshot(classes, new Random(3));
        float[][] embeddings;
        try (EmbeddingModel model = EmbeddingModel.create(CONFIG.network(), Device.cpu(), 7)) {
            snapshot.parameters = model.parametersToBytes();
            embeddings = model.embed(images, planted.length);
        }
        for (int i = 0; i < planted.length; i++) {
            System.arraycopy(embeddings[i], 0, snapshot.classWeights, planted[i] * D, D);
        }
        Path models = dir.resolve("models");
        ModelDirectorySink sink = new ModelDirectorySink(CONFIG, models.toString());
        sink.open(null);
        sink.invoke(snapshot, null);
        assertTrue(Files.size(models.resolve("v1/class_table.bin")) > (long) classes * D * 4);
        Path folder = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < images.size(); i++) {
            Files.write(folder.resolve(i + ".png"), ImageRecordEncoder.png().encode(images.get(i)).value());
        }

        CommandOutput run = PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), folder.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(planted.length, lines.size(), run.out());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < planted.length; i++) {
            JsonNode line = json.readTree(lines.get(i));
            assertEquals(planted[i], line.get("nearest_class").asInt(), lines.get(i));
            assertEquals("id-" + planted[i], line.get("nearest_class_name").asText(), lines.get(i));
            assertTrue(line.get("distance").asDouble() < 1e-4, lines.get(i));
        }

        ClassTable table = ModelRecordsFunction.classTable(CONFIG, snapshot);
        ModelManifest manifest = ModelChunker.builder().build()
                .complete(ModelRecordsFunction.draftManifest(CONFIG, snapshot), snapshot.parameters, table, null);
        ClassCentroids centroids = ClassCentroids.of(manifest, Optional.of(table)).orElseThrow();
        assertEquals(classes, centroids.classes());
        for (int i = 0; i < planted.length; i++) {
            assertEquals("id-" + planted[i], centroids.nearest(embeddings[i]).name());
        }
    }

    /** Random class weights of length ~3 (not unit: the table normalises them), names {@code id-<c>}. */
    private static ModelSnapshot snapshot(int classes, Random random) {
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = 1;
        snapshot.step = 10;
        snapshot.timestampMillis = 1_000_000L;
        snapshot.classes = classes;
        snapshot.parameters = new byte[3000];
        random.nextBytes(snapshot.parameters);
        snapshot.classWeights = new float[classes * D];
        for (int i = 0; i < snapshot.classWeights.length; i++) {
            snapshot.classWeights[i] = (float) (random.nextGaussian() * 0.3);
        }
        snapshot.classNames = new String[classes];
        for (int c = 0; c < classes; c++) {
            snapshot.classNames[c] = "id-" + c;
        }
        return snapshot;
    }

    /** What the record costs against {@code max.request.size}: key, value and headers. */
    private static int size(ProducerRecord<byte[], byte[]> record) {
        int size = record.key().length + record.value().length;
        for (Header h : record.headers()) {
            size += h.key().length() + h.value().length;
        }
        return size;
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
