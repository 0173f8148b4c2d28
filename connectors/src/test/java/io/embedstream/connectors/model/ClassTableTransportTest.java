package io.embedstream.connectors.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.embedstream.connectors.wire.WireHeaders;

/** The class table blob: its layout, its chunks on the topic, its assembly and checks, and its model directory file. */
class ClassTableTransportTest {

    private static final int D = 64; // ModelFormatTest.draft's embedding size

    @Test
    void blobIsLittleEndianUnitRowsThenTheNamesAsOneJsonArray() {
        float[] weights = {3, 4, 0, 0, 0, -2};
        List<String> names = Arrays.asList("caf\u00e9", null, "dog");
        ClassTable table = ClassTable.fromWeights(weights, 3, 2, names);
        ByteBuffer blob = ByteBuffer.wrap(table.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        float[] expected = {0.6f, 0.8f, 0, 0, 0, -1};
        for (float v : expected) {
            assertEquals(v, blob.getFloat(), 1e-7f);
        }
        byte[] rest = new byte[blob.remaining()];
        blob.get(rest);
        assertEquals("[\"caf\u00e9\",null,\"dog\"]", new String(rest, StandardCharsets.UTF_8));

        ClassTable read = ClassTable.decode(table.bytes(), 3, 2);
        assertEquals(names, read.names());
        assertArrayEquals(new float[] {0, -1}, read.row(2), 1e-7f);
        ClassTable unnamed = ClassTable.fromWeights(weights, 3, 2, null);
        assertEquals(3 * 2 * 4, unnamed.bytes().length, "integer labels: the rows only");
        assertFalse(ClassTable.decode(unnamed.bytes(), 3, 2).named());

        assertEquals("class table of 23 bytes is shorter than its 3 x 2 float32 rows (24 bytes)",
                assertThrows(ModelFormatException.class, () -> ClassTable.decode(Arrays.copyOf(unnamed.bytes(), 23), 3, 2))
                        .getMessage());
        byte[] twoNames = concat(unnamed.bytes(), "[\"a\",\"b\"]".getBytes(StandardCharsets.UTF_8));
        assertEquals("class table names hold 2 entries for 3 classes",
                assertThrows(ModelFormatException.class, () -> ClassTable.decode(twoNames, 3, 2)).getMessage());
        byte[] number = concat(unnamed.bytes(), "[\"a\",7,null]".getBytes(StandardCharsets.UTF_8));
        assertEquals("class table names: entry 1 is not a string or null",
                assertThrows(ModelFormatException.class, () -> ClassTable.decode(number, 3, 2)).getMessage());
    }

    @Test
    void parameterChunksKeepTheirHeadersAndClassTableChunksFollowThemUnderATypeOfTheirOwn() {
        ClassTable table = table(300, 1);
        byte[] parameters = ModelFormatTest.randomBytes(2500, 1);
        ModelChunker.ModelRecords out = ModelChunker.builder().chunkBytes(1000).build()
                .chunk(ModelFormatTest.draft(3), parameters, table, null);
        List<ProducerRecord<byte[], byte[]>> records = out.records();
        int tableChunks = (table.bytes().length + 999) / 1000;
        assertEquals(3 + tableChunks + 1, records.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(ModelTopic.TYPE, ModelTopic.CHUNK_INDEX, ModelTopic.CHUNK_COUNT),
                    headerNames(records.get(i)), "a parameter chunk has exactly the headers older readers know");
            assertEquals("chunk", header(records.get(i), ModelTopic.TYPE));
        }
        for (int i = 0; i < tableChunks; i++) {
            ProducerRecord<byte[], byte[]> r = records.get(3 + i);
            assertEquals("blob-chunk", header(r, ModelTopic.TYPE));
            assertEquals("class-table", header(r, ModelTopic.BLOB));
            assertEquals(Integer.toString(i), header(r, ModelTopic.CHUNK_INDEX));
            assertEquals(Integer.toString(tableChunks), header(r, ModelTopic.CHUNK_COUNT));
        }
        ModelManifest.ClassTableRef ref = out.manifest().classTable();
        assertEquals(new ModelManifest.ClassTableRef(table.bytes().length, Sha256.hex(table.bytes()), tableChunks, 300,
                D), ref);
        assertEquals(out.manifest(), ModelManifestJson.fromBytes(records.get(records.size() - 1).value()),
                "the reference round-trips through the manifest JSON");

        PublishedModel model = assembled(records);
        assertArrayEquals(parameters, model.parameters());
        assertArrayEquals(table.bytes(), model.classTable().bytes());
        assertEquals(table.names(), model.classTable().names());
        assertNull(assembled(ModelChunker.builder().build().chunk(ModelFormatTest.draft(4), parameters).records())
                .classTable(), "a version without classes has no table");
    }

    @Test
    void aMissingTamperedOrUndecodableClassTableRejectsTheVersionWithTheReason() {
        List<ProducerRecord<byte[], byte[]>> records = ModelChunker.builder().chunkBytes(4096).build()
                .chunk(ModelFormatTest.draft(5), ModelFormatTest.randomBytes(3000, 2), table(100, 2), null).records();
        // records: 1 parameter chunk, 7 class table chunks (25,600 row bytes + names), the manifest
        List<ProducerRecord<byte[], byte[]>> missing = new ArrayList<>(records);
        missing.remove(4);
        assertEquals("manifest of version 5 arrived with 6 of 7 class table chunks (chunks are published before their"
                + " manifest)", rejection(missing));

        List<ProducerRecord<byte[], byte[]>> tampered = new ArrayList<>(records);
        byte[] value = tampered.get(2).value().clone();
        value[17] ^= 1;
        tampered.set(2, copy(tampered.get(2), value));
        assertTrue(rejection(tampered).startsWith("class table sha256 mismatch for version 5: manifest says "),
                rejection(tampered));

        // A manifest whose reference matches the bytes but not their layout (signed by a faulty writer, say).
        byte[] rowsOnly = new byte[100 * D * 4];
        List<ProducerRecord<byte[], byte[]>> shortTable = new ArrayList<>(ModelChunker.builder().build()
                .chunk(ModelFormatTest.draft(6), new byte[10], ClassTable.decode(rowsOnly, 100, D), null).records());
        ProducerRecord<byte[], byte[]> manifestRecord = shortTable.get(shortTable.size() - 1);
        ModelManifest manifest = ModelManifestJson.fromBytes(manifestRecord.value());
        ModelManifest lying = manifest.withClassTable(new ModelManifest.ClassTableRef(rowsOnly.length,
                Sha256.hex(rowsOnly), 1, 101, D));
        shortTable.set(shortTable.size() - 1, copy(manifestRecord, ModelManifestJson.toBytes(lying)));
        assertEquals("class table of version 6 is unusable: class table of 25600 bytes is shorter than its 101 x 64"
                + " float32 rows (25856 bytes)", rejection(shortTable));
    }

    @Test
    void theMemoryBoundCountsBothBlobs() {
        List<AssemblyResult.Rejected> evicted = new ArrayList<>();
        ModelAssembler assembler = ModelAssembler.builder().maxPendingBytes(28_000).evictionListener(evicted::add)
                .build();
        List<ProducerRecord<byte[], byte[]>> first = ModelChunker.builder().chunkBytes(8192).build()
                .chunk(ModelFormatTest.draft(1), ModelFormatTest.randomBytes(8000, 1), table(80, 1), null).records();
        // Parameters (8,000) and three class table chunks (20,480 row bytes + about 870 of names): over 28,000.
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(AssemblyResult.Pending.class, feed(assembler, first.get(i)));
        }
        assertEquals(8000 + 2 * 8192, assembler.pendingBytes());
        AssemblyResult.Rejected refused = assertInstanceOf(AssemblyResult.Rejected.class, feed(assembler, first.get(3)));
        assertEquals("version 1 needs more than max pending bytes 28000", refused.reason());
        assertEquals(0, assembler.pendingBytes());

        List<ProducerRecord<byte[], byte[]>> second = ModelChunker.builder().chunkBytes(8192).build()
                .chunk(ModelFormatTest.draft(2), ModelFormatTest.randomBytes(8000, 2), table(20, 2), null).records();
        feed(assembler, second.get(0));
        feed(assembler, second.get(1));
        List<ProducerRecord<byte[], byte[]>> third = ModelChunker.builder().chunkBytes(20_000).build()
                .chunk(ModelFormatTest.draft(3), ModelFormatTest.randomBytes(20_000, 3), null, null).records();
        feed(assembler, third.get(0));
        assertEquals(1, evicted.size(), "version 2 made room for version 3");
        assertEquals("version 2 evicted incomplete with 1 of 1 chunks and 1 of 1 class table chunks (pending limits:"
                + " 4 versions, 28000 bytes)", evicted.get(0).reason());
    }

    @Test
    void aChunkOfAnUnknownBlobIsRefusedAloneAndTheVersionStillAssembles() {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(ModelChunker.builder().build()
                .chunk(ModelFormatTest.draft(7), ModelFormatTest.randomBytes(100, 7), table(5, 7), null).records());
        ProducerRecord<byte[], byte[]> future = copy(records.get(1), new byte[] {1, 2, 3});
        future.headers().remove(ModelTopic.BLOB).add(ModelTopic.BLOB, "thumbnails".getBytes(StandardCharsets.UTF_8));
        records.add(2, future);
        ModelAssembler assembler = ModelAssembler.builder().build();
        List<AssemblyResult> results = new ArrayList<>();
        records.forEach(r -> results.add(feed(assembler, r)));
        assertEquals("blob chunk of version 7 names unknown blob 'thumbnails' in header 'embedstream-blob' (expected"
                + " class-table)", ((AssemblyResult.Rejected) results.get(2)).reason());
        assertEquals(5, assertInstanceOf(AssemblyResult.Completed.class, results.get(results.size() - 1)).model()
                .classTable().classes());
    }

    @Test
    void theSignatureCoversTheClassTableReference() {
        KeyPair key = Ed25519Keys.generate();
        ModelChunker.ModelRecords out = ModelChunker.builder().build().chunk(ModelFormatTest.draft(8),
                ModelFormatTest.randomBytes(100, 8), table(10, 8), new ManifestSigner(key.getPrivate()));
        ManifestVerifier verifier = ManifestVerifier.requireSignatureBy(key.getPublic());
        byte[] json = ModelManifestJson.toBytes(out.manifest());
        assertTrue(verifier.refusal(json, out.manifest()).isEmpty());
        // Another table (and its digest) under the same signature: refused.
        ClassTable other = table(10, 9);
        ModelManifest swapped = out.manifest().withClassTable(new ModelManifest.ClassTableRef(other.bytes().length,
                Sha256.hex(other.bytes()), 1, 10, D)).withSignature(out.manifest().signature());
        assertEquals("signature of version 8 does not verify with key " + verifier.keyId().orElseThrow()
                        + ": the manifest was modified after signing",
                verifier.refusal(ModelManifestJson.toBytes(swapped), swapped).orElseThrow());
    }

    @Test
    void theModelDirectoryHoldsClassTableBinBesideTheParametersAndChecksIt(@TempDir Path root) throws Exception {
        ClassTable table = table(50, 3);
        byte[] parameters = ModelFormatTest.randomBytes(5000, 3);
        ModelManifest manifest = ModelChunker.builder().build().complete(ModelFormatTest.draft(12), parameters, table,
                null);
        Path dir = new ModelDirectoryWriter(root).write(new PublishedModel(manifest, parameters, table));
        assertArrayEquals(table.bytes(), Files.readAllBytes(dir.resolve("class_table.bin")));
        PublishedModel read = new ModelDirectoryReader(root).read(12);
        assertEquals(table.names(), read.classTable().names());
        assertArrayEquals(table.rows(), read.classTable().rows());

        byte[] corrupted = table.bytes().clone();
        corrupted[3] ^= 1;
        Files.write(dir.resolve("class_table.bin"), corrupted);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> new ModelDirectoryReader(root).read(12));
        assertTrue(e.getMessage().equals(dir + ": class table sha256 mismatch: manifest says " + manifest.classTable()
                .sha256() + ", class_table.bin hashes to " + Sha256.hex(corrupted)), e.getMessage());
        Files.delete(dir.resolve("class_table.bin"));
        e = assertThrows(ModelFormatException.class, () -> new ModelDirectoryReader(root).read(12));
        assertTrue(e.getMessage().startsWith("model version 12 is incomplete or absent: missing ")
                && e.getMessage().endsWith("class_table.bin"), e.getMessage());
    }

    /** {@code classes} named classes of {@link #D} random dimensions. */
    static ClassTable table(int classes, long seed) {
        Random random = new Random(seed);
        float[] weights = new float[classes * D];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian();
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(c % 7 == 3 ? null : "class-" + c);
        }
        return ClassTable.fromWeights(weights, classes, D, names);
    }

    private static PublishedModel assembled(List<ProducerRecord<byte[], byte[]>> records) {
        ModelAssembler assembler = ModelAssembler.builder().build();
        AssemblyResult last = null;
        for (ProducerRecord<byte[], byte[]> r : records) {
            last = feed(assembler, r);
        }
        return assertInstanceOf(AssemblyResult.Completed.class, last).model();
    }

    private static String rejection(List<ProducerRecord<byte[], byte[]>> records) {
        ModelAssembler assembler = ModelAssembler.builder().build();
        AssemblyResult last = null;
        for (ProducerRecord<byte[], byte[]> r : records) {
            last = feed(assembler, r);
        }
        return assertInstanceOf(AssemblyResult.Rejected.class, last).reason();
    }

    private static AssemblyResult feed(ModelAssembler assembler, ProducerRecord<byte[], byte[]> r) {
        return assembler.accept(r.key(), r.value(), WireHeaders.fromKafka(r.headers()));
    }

    private static ProducerRecord<byte[], byte[]> copy(ProducerRecord<byte[], byte[]> r, byte[] value) {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        r.headers().forEach(h -> headers.add(h.key(), h.value()));
        return new ProducerRecord<>(r.topic(), null, r.key(), value, headers);
    }

    private static List<String> headerNames(ProducerRecord<byte[], byte[]> r) {
        List<String> names = new ArrayList<>();
        for (Header h : r.headers()) {
            names.add(h.key());
        }
        return names;
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
