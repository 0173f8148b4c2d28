package io.embedstream.connectors.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.embedstream.connectors.wire.WireHeaders;

/** Manifest JSON, chunking, assembly and the model directory, without a broker. */
class ModelFormatTest {

    static ModelManifest draft(long version) {
        return ModelManifest.builder()
                .version(version)
                .trainingStep(1200)
                .createdAt(Instant.parse("2026-11-23T18:00:00Z"))
                .architecture("embedding-cnn")
                .architectureConfig(Map.of("filters", List.of(32, 64)))
                .input(new InputShape(28, 28, 1))
                .embeddingSize(64)
                .loss(Map.of("name", "triplet", "margin", 0.2))
                .extras(Map.of("centroids", List.of(List.of(0.5, -0.5))))
                .build();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void manifestJsonRoundTrips() {
        ModelManifest manifest = draft(7).withParameters(10, "ab", 1, 512);
        byte[] json = ModelManifestJson.toBytes(manifest);
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"format\":1,\"version\":7,"), text);
        assertTrue(!text.contains("\n"), "wire JSON is one line");
        ModelManifest parsed = ModelManifestJson.fromBytes(json);
        assertEquals(manifest.version(), parsed.version());
        assertEquals(manifest.createdAt(), parsed.createdAt());
        assertEquals(manifest.input(), parsed.input());
        assertEquals(0.2, ((Number) parsed.loss().get("margin")).doubleValue());
        assertEquals(List.of(List.of(0.5, -0.5)), parsed.extras().get("centroids"));
        assertEquals(manifest, ModelManifestJson.fromBytes(ModelManifestJson.toPrettyBytes(manifest)));
    }

    @Test
    void classNamesRoundTripAndAManifestWithoutThemNamesNoClass() {
        assertEquals(List.of(), ModelManifestJson.fromBytes(ModelManifestJson.toBytes(draft(7))).classNames(),
                "a manifest older than names");
        List<String> names = new ArrayList<>(List.of("digit-3", "caf\u00e9"));
        names.add(1, null); // an index no name was learnt for
        ModelManifest named = draft(8).withExtras(Map.of(ModelManifest.CLASS_NAMES_EXTRA, names));
        assertEquals(names, ModelManifestJson.fromBytes(ModelManifestJson.toBytes(named)).classNames());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> draft(9)
                .withExtras(Map.of(ModelManifest.CLASS_NAMES_EXTRA, List.of("a", 3))).classNames());
        assertEquals("class_names of version 9: entry 1 is not a string", e.getMessage());
    }

    @Test
    void manifestErrorsNameTheField() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelManifestJson.fromBytes("{\"format\":1}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("manifest is missing field 'input'", e.getMessage());
        assertThrows(ModelFormatException.class, () -> ModelManifestJson.fromBytes("not json".getBytes()));
        assertEquals("manifest format 2 is newer than supported format 1", assertThrows(ModelFormatException.class,
                () -> ModelManifestJson.fromBytes("{\"format\":2}".getBytes())).getMessage());
    }

    @Test
    void chunksThenManifestAndAssembles() {
        byte[] parameters = randomBytes(1_300_000, 1);
        ModelChunker.ModelRecords records = ModelChunker.builder().build().chunk(draft(3), parameters);
        List<ProducerRecord<byte[], byte[]>> list = records.records();
        assertEquals(3 + 1, list.size(), "1.3 MB in 512 KiB chunks = 3 chunks + manifest");
        assertEquals(3, records.manifest().chunkCount());
        assertEquals(Sha256.hex(parameters), records.manifest().parameterSha256());
        for (ProducerRecord<byte[], byte[]> r : list) {
            assertEquals("3", new String(r.key(), StandardCharsets.UTF_8));
            assertTrue(r.value().length <= 512 * 1024);
        }
        assertEquals("manifest", header(list.get(3), ModelTopic.TYPE));

        ModelAssembler assembler = ModelAssembler.builder().build();
        for (int i = 0; i < 3; i++) {
            AssemblyResult.Pending pending = assertInstanceOf(AssemblyResult.Pending.class, feed(assembler, list.get(i)));
            assertEquals(i + 1, pending.received());
        }
        AssemblyResult.Completed done = assertInstanceOf(AssemblyResult.Completed.class, feed(assembler, list.get(3)));
        assertArrayEquals(parameters, done.model().parameters());
        assertEquals(0, assembler.pendingVersions());
        assertEquals(0, assembler.pendingBytes());
    }

    @Test
    void tamperedChunkIsRejected() {
        byte[] parameters = randomBytes(100_000, 2);
        List<ProducerRecord<byte[], byte[]>> list = ModelChunker.builder().chunkBytes(40_000).build()
                .chunk(draft(4), parameters).records();
        ModelAssembler assembler = ModelAssembler.builder().build();
        for (int i = 0; i < list.size(); i++) {
            ProducerRecord<byte[], byte[]> r = list.get(i);
            byte[] value = r.value();
            if (i == 1) {
                value = value.clone();
                value[10] ^= 1;
            }
            AssemblyResult result = assembler.accept(r.key(), value, WireHeaders.fromKafka(r.headers()));
            if (i == list.size() - 1) {
                AssemblyResult.Rejected rejected = assertInstanceOf(AssemblyResult.Rejected.class, result);
                assertTrue(rejected.reason().startsWith("sha256 mismatch for version 4: manifest says "),
                        rejected.reason());
            }
        }
    }

    @Test
    void missingChunkAndInconsistentCountsAreRejected() {
        List<ProducerRecord<byte[], byte[]>> list = ModelChunker.builder().chunkBytes(1000).build()
                .chunk(draft(5), randomBytes(3500, 3)).records();
        ModelAssembler assembler = ModelAssembler.builder().build();
        feed(assembler, list.get(0));
        feed(assembler, list.get(2));
        feed(assembler, list.get(3));
        AssemblyResult.Rejected rejected = assertInstanceOf(AssemblyResult.Rejected.class,
                feed(assembler, list.get(4)));
        assertEquals("manifest of version 5 arrived with 3 of 4 chunks (chunks are published before their manifest)",
                rejected.reason());

        WireHeaders bad = WireHeaders.fromKafka(list.get(0).headers()).with(ModelTopic.CHUNK_INDEX, "9");
        assertEquals("chunk of version 5 has no valid 'chunk-index' header (decimal integer in [0, 4))",
                ((AssemblyResult.Rejected) assembler.accept(list.get(0).key(), list.get(0).value(), bad)).reason());
        assertEquals("key 'x' is not a decimal model version", ((AssemblyResult.Rejected) assembler.accept(
                "x".getBytes(), new byte[1], WireHeaders.empty())).reason());
        assertEquals("missing header 'embedstream-type'", ((AssemblyResult.Rejected) assembler.accept(
                "5".getBytes(), new byte[1], WireHeaders.empty())).reason());
    }

    @Test
    void incompleteVersionsAreEvictedToBoundMemory() {
        List<AssemblyResult.Rejected> evicted = new ArrayList<>();
        ModelAssembler assembler = ModelAssembler.builder().maxPendingVersions(2).maxPendingBytes(10_000)
                .evictionListener(evicted::add).build();
        ModelChunker chunker = ModelChunker.builder().chunkBytes(1000).build();
        for (long v = 0; v < 3; v++) {
            feed(assembler, chunker.chunk(draft(v), randomBytes(3000, v)).records().get(0));
        }
        assertEquals(2, assembler.pendingVersions());
        assertEquals(1, evicted.size());
        assertEquals("0", evicted.get(0).key());

        // A version bigger than the byte bound is refused instead of evicting everything else forever.
        List<ProducerRecord<byte[], byte[]>> big = ModelChunker.builder().chunkBytes(6000).build()
                .chunk(draft(9), randomBytes(12_000, 9)).records();
        feed(assembler, big.get(0));
        AssemblyResult.Rejected refused = assertInstanceOf(AssemblyResult.Rejected.class, feed(assembler, big.get(1)));
        assertEquals("version 9 needs more than max pending bytes 10000", refused.reason());
        assertTrue(assembler.pendingBytes() <= 10_000);
    }

    @Test
    void directoryWriteReadAtomicAndVerified(@TempDir Path root) throws Exception {
        byte[] parameters = randomBytes(5000, 4);
        ModelChunker.ModelRecords records = ModelChunker.builder().build().chunk(draft(11), parameters);
        PublishedModel model = new PublishedModel(records.manifest(), parameters);
        Path dir = new ModelDirectoryWriter(root).write(model);
        assertEquals(root.resolve("v11"), dir);
        assertTrue(Files.exists(dir.resolve("manifest.json")));
        new ModelDirectoryWriter(root).write(model); // same version, same bytes: no-op
        try (var entries = Files.list(root)) {
            assertEquals(List.of(dir), entries.toList(), "no temporary directories left behind");
        }
        ModelDirectoryReader reader = new ModelDirectoryReader(root);
        assertEquals(List.of(11L), reader.versions());
        assertArrayEquals(parameters, reader.latest().orElseThrow().parameters());

        byte[] other = randomBytes(5000, 5);
        PublishedModel conflicting = new PublishedModel(
                records.manifest().withParameters(5000, Sha256.hex(other), 1, 512 * 1024), other);
        assertThrows(ModelFormatException.class, () -> new ModelDirectoryWriter(root).write(conflicting));

        byte[] corrupted = parameters.clone();
        corrupted[0] ^= 1;
        Files.write(dir.resolve("parameters.bin"), corrupted);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> reader.read(11));
        assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
    }

    private static AssemblyResult feed(ModelAssembler assembler, ProducerRecord<byte[], byte[]> r) {
        return assembler.accept(r.key(), r.value(), WireHeaders.fromKafka(r.headers()));
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
