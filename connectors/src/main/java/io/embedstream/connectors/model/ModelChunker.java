package io.embedstream.connectors.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Splits a model version into the records of the publication topic (see {@link ModelTopic}): parameter chunk records
 * in index order, the class table's chunk records in index order, then the manifest. Send them in this order, in one
 * transaction, to one topic. Thread-safe.
 */
public final class ModelChunker implements java.io.Serializable {

    // Serializable so a Flink function can hold one as a field; it carries configuration only.
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int chunkBytes;

    private ModelChunker(Builder b) {
        this.topic = b.topic;
        this.chunkBytes = b.chunkBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The records publishing {@code parameters} under {@code draft}'s version.
     *
     * @param draft      manifest without parameter fields (they are computed here)
     * @param parameters serialized parameters; not copied, so do not modify until the records are sent
     * @return the completed manifest and the records, chunks first and the manifest last
     */
    public ModelRecords chunk(ModelManifest draft, byte[] parameters) {
        return chunk(draft, parameters, null, null);
    }

    /**
     * The records publishing {@code parameters} under {@code draft}'s version, the manifest signed by
     * {@code signer} once its parameter fields are filled in.
     *
     * @param signer signs the completed manifest; null publishes it unsigned ({@code "signature": null})
     */
    public ModelRecords chunk(ModelManifest draft, byte[] parameters, ManifestSigner signer) {
        return chunk(draft, parameters, null, signer);
    }

    /**
     * The records publishing {@code parameters} and {@code classTable} under {@code draft}'s version: the parameter
     * chunks, the class table's chunks, then the manifest (signed by {@code signer} when not null).
     *
     * @param classTable the version's class table; null for a version without one
     */
    public ModelRecords chunk(ModelManifest draft, byte[] parameters, ClassTable classTable, ManifestSigner signer) {
        ModelManifest manifest = complete(draft, parameters, classTable, signer);
        byte[] key = Long.toString(manifest.version()).getBytes(StandardCharsets.UTF_8);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(manifest.chunkCount() + 1
                + (classTable == null ? 0 : manifest.classTable().chunkCount()));
        addChunks(records, key, parameters, manifest.chunkCount(), null);
        if (classTable != null) {
            addChunks(records, key, classTable.bytes(), manifest.classTable().chunkCount(),
                    ModelTopic.BLOB_CLASS_TABLE);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(ModelTopic.TYPE, utf8(ModelTopic.TYPE_MANIFEST));
        headers.add(ModelTopic.CHUNK_COUNT, utf8(Integer.toString(manifest.chunkCount())));
        headers.add(ModelTopic.CONTENT_TYPE, utf8(ModelTopic.JSON));
        records.add(new ProducerRecord<>(topic, null, key, ModelManifestJson.toBytes(manifest), headers));
        return new ModelRecords(manifest, List.copyOf(records));
    }

    /**
     * The manifest {@link #chunk} would publish, without making the records: for writers of a model directory,
     * which hold the blobs whole.
     */
    public ModelManifest complete(ModelManifest draft, byte[] parameters, ClassTable classTable,
                                  ManifestSigner signer) {
        ModelManifest manifest = draft.withParameters(parameters.length, Sha256.hex(parameters),
                chunkCount(parameters.length), chunkBytes);
        // A draft's own reference (a manifest read back and republished) describes no blob sent here: replace it.
        byte[] blob = classTable == null ? null : classTable.bytes();
        manifest = manifest.withClassTable(blob == null ? null : new ModelManifest.ClassTableRef(blob.length,
                Sha256.hex(blob), chunkCount(blob.length), classTable.classes(), classTable.dimensions()));
        return signer == null ? manifest : signer.sign(manifest);
    }

    private int chunkCount(long bytes) {
        return (int) ((bytes + chunkBytes - 1) / chunkBytes);
    }

    /** Chunk records of one blob; {@code blob} null for the parameters (today's headers, which every reader knows). */
    private void addChunks(List<ProducerRecord<byte[], byte[]>> records, byte[] key, byte[] bytes, int chunkCount,
                           String blob) {
        String count = Integer.toString(chunkCount);
        for (int index = 0; index < chunkCount; index++) {
            int from = index * chunkBytes;
            byte[] chunk = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunkBytes));
            RecordHeaders headers = new RecordHeaders();
            headers.add(ModelTopic.TYPE, utf8(blob == null ? ModelTopic.TYPE_CHUNK : ModelTopic.TYPE_BLOB_CHUNK));
            if (blob != null) {
                headers.add(ModelTopic.BLOB, utf8(blob));
            }
            headers.add(ModelTopic.CHUNK_INDEX, utf8(Integer.toString(index)));
            headers.add(ModelTopic.CHUNK_COUNT, utf8(count));
            records.add(new ProducerRecord<>(topic, null, key, chunk, headers));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The records of one version.
     *
     * @param manifest the completed manifest (size, SHA-256, chunk count filled in, and the class table's)
     * @param records  parameter chunk records in index order, the class table's, then the manifest record
     */
    public record ModelRecords(ModelManifest manifest, List<ProducerRecord<byte[], byte[]>> records) {
    }

    /** Settings of a {@link ModelChunker}. */
    public static final class Builder {
        private String topic = ModelTopic.DEFAULT_TOPIC;
        private int chunkBytes = ModelTopic.DEFAULT_CHUNK_BYTES;

        private Builder() {
        }

        /** Topic of the produced records. Default {@value ModelTopic#DEFAULT_TOPIC}. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /**
         * Largest chunk value in bytes. Default 512 KiB; keep it (plus headers) under the topic's
         * {@code max.message.bytes} (1 MiB by default).
         */
        public Builder chunkBytes(int chunkBytes) {
            if (chunkBytes <= 0) {
                throw new IllegalArgumentException("chunk size must be > 0, got " + chunkBytes);
            }
            this.chunkBytes = chunkBytes;
            return this;
        }

        public ModelChunker build() {
            return new ModelChunker(this);
        }
    }
}
