package io.embedstream.connectors.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.embedstream.connectors.wire.WireHeaders;

/**
 * Reassembles model versions from consumed publication records (see {@link ModelTopic}).
 *
 * <p>Feed every record of the topic, in partition order, to {@link #accept}. Chunks are buffered per version and
 * blob (the parameters, and the class table: {@link ClassTable}); the manifest completes its version: all
 * {@code chunkCount} parameter chunks must be present, their total size must equal {@code parameterBytes} and their
 * SHA-256 must equal {@code parameterSha256}, and, when the manifest has a {@code classTable}, the same holds for
 * its chunks, size and SHA-256 and the table must decode to its classes and dimensions; otherwise the version is
 * rejected with the reason. With a {@link ManifestVerifier} that requires a signature, the manifest must also carry a
 * valid signature by the configured key. Because chunks are published before the manifest, a manifest that finds chunks missing means
 * they were lost or skipped (e.g. a consumer that started mid-version), and the version is rejected rather than
 * waited for.
 *
 * <p>Memory is bounded: at most {@code maxPendingVersions} incomplete versions and {@code maxPendingBytes}
 * buffered chunk bytes, the chunks of both blobs counted. When a new chunk would exceed either bound, the oldest
 * incomplete versions are evicted (reported to the eviction listener); a single version larger than
 * {@code maxPendingBytes} is rejected.
 *
 * <p>Not thread-safe: use one instance per consuming thread.
 */
public final class ModelAssembler {

    private static final Logger LOG = LoggerFactory.getLogger(ModelAssembler.class);
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");

    private final int maxPendingVersions;
    private final long maxPendingBytes;
    private final Consumer<AssemblyResult.Rejected> evictionListener;
    private final ManifestVerifier verifier;

    // Insertion order = first chunk seen, so the first entry is the oldest version to evict.
    private final LinkedHashMap<Long, PendingVersion> pending = new LinkedHashMap<>();
    private long pendingBytes;

    private ModelAssembler(Builder b) {
        this.maxPendingVersions = b.maxPendingVersions;
        this.maxPendingBytes = b.maxPendingBytes;
        this.evictionListener = b.evictionListener;
        this.verifier = b.verifier;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Feeds one consumed record. */
    public AssemblyResult accept(ConsumerRecord<byte[], byte[]> record) {
        return accept(record.key(), record.value(), WireHeaders.fromKafka(record.headers()));
    }

    /**
     * Feeds one record given in neutral form.
     *
     * @return {@link AssemblyResult.Decision} for a promotion gate's record, {@link AssemblyResult.Pending} for a
     *         stored chunk, {@link AssemblyResult.Completed} when a manifest
     *         completes its version, {@link AssemblyResult.Rejected} otherwise; never null, never throws on bad input
     */
    public AssemblyResult accept(byte[] key, byte[] value, WireHeaders headers) {
        String keyText = key == null ? "<null>" : new String(key, StandardCharsets.UTF_8);
        if (headers.string(ModelTopic.TYPE).filter(ModelTopic.TYPE_PROMOTION::equals).isPresent()) {
            try {
                return new AssemblyResult.Decision(PromotionRecord.fromBytes(value == null ? new byte[0] : value));
            } catch (ModelFormatException e) {
                return new AssemblyResult.Rejected(keyText, e.getMessage());
            }
        }
        if (key == null || !DECIMAL.matcher(keyText).matches()) {
            return new AssemblyResult.Rejected(keyText, "key '" + keyText + "' is not a decimal model version");
        }
        long version = Long.parseLong(keyText);
        if (value == null) {
            return reject(version, "record of version " + version + " has no value (null)");
        }
        Optional<String> type = headers.string(ModelTopic.TYPE);
        if (type.isEmpty()) {
            return new AssemblyResult.Rejected(keyText, "missing header '" + ModelTopic.TYPE + "'");
        }
        return switch (type.get()) {
            case ModelTopic.TYPE_CHUNK -> acceptChunk(version, Blob.PARAMETERS, value, headers);
            case ModelTopic.TYPE_BLOB_CHUNK -> acceptBlobChunk(version, keyText, value, headers);
            case ModelTopic.TYPE_MANIFEST -> acceptManifest(version, value, headers);
            default -> new AssemblyResult.Rejected(keyText, "unknown " + ModelTopic.TYPE + " '" + type.get()
                    + "' (expected manifest, chunk or blob-chunk)");
        };
    }

    /** Number of versions with buffered chunks. */
    public int pendingVersions() {
        return pending.size();
    }

    /** Chunk bytes currently buffered. */
    public long pendingBytes() {
        return pendingBytes;
    }

    private AssemblyResult acceptBlobChunk(long version, String keyText, byte[] chunk, WireHeaders headers) {
        Optional<String> blob = headers.string(ModelTopic.BLOB);
        if (blob.isPresent() && blob.get().equals(ModelTopic.BLOB_CLASS_TABLE)) {
            return acceptChunk(version, Blob.CLASS_TABLE, chunk, headers);
        }
        // A blob of a newer writer, which its manifest may not need: this record is refused, the version is not.
        return new AssemblyResult.Rejected(keyText, "blob chunk of version " + version + " names "
                + blob.map(name -> "unknown blob '" + name + "'").orElse("no blob") + " in header '" + ModelTopic.BLOB
                + "' (expected " + ModelTopic.BLOB_CLASS_TABLE + ")");
    }

    private AssemblyResult acceptChunk(long version, Blob blob, byte[] chunk, WireHeaders headers) {
        Optional<Integer> count = intHeader(headers, ModelTopic.CHUNK_COUNT);
        Optional<Integer> index = intHeader(headers, ModelTopic.CHUNK_INDEX);
        String what = blob.prefix + "chunk of version " + version;
        if (count.isEmpty() || count.get() < 1) {
            return reject(version, what + " has no valid '" + ModelTopic.CHUNK_COUNT
                    + "' header (positive decimal integer)");
        }
        if (index.isEmpty() || index.get() >= count.get()) {
            return reject(version, what + " has no valid '" + ModelTopic.CHUNK_INDEX
                    + "' header (decimal integer in [0, " + count.get() + "))");
        }
        PendingVersion state = pending.get(version);
        PendingBlob chunks = state == null ? null : state.blob(blob);
        if (chunks != null && chunks.chunkCount != count.get()) {
            return reject(version, blob.prefix + "chunk count of version " + version + " changed from "
                    + chunks.chunkCount + " to " + count.get());
        }
        if (chunks != null) {
            byte[] existing = chunks.chunks.get(index.get());
            if (existing != null) {
                if (Arrays.equals(existing, chunk)) {
                    return new AssemblyResult.Pending(version, chunks.chunks.size(), chunks.chunkCount);
                }
                return reject(version, "conflicting duplicate of " + blob.prefix + "chunk " + index.get()
                        + " of version " + version);
            }
        }
        long stateBytes = state == null ? 0 : state.bytes();
        if (stateBytes + chunk.length > maxPendingBytes) {
            return reject(version, "version " + version + " needs more than max pending bytes " + maxPendingBytes);
        }
        makeRoom(version, chunk.length);
        if (state == null) {
            state = new PendingVersion();
            pending.put(version, state);
        }
        if (chunks == null) {
            chunks = new PendingBlob(count.get());
            state.put(blob, chunks);
        }
        chunks.chunks.put(index.get(), chunk);
        chunks.bytes += chunk.length;
        pendingBytes += chunk.length;
        return new AssemblyResult.Pending(version, chunks.chunks.size(), chunks.chunkCount);
    }

    private AssemblyResult acceptManifest(long version, byte[] json, WireHeaders headers) {
        ModelManifest manifest;
        try {
            manifest = ModelManifestJson.fromBytes(json);
        } catch (ModelFormatException e) {
            return reject(version, "manifest of version " + version + " is unusable: " + e.getMessage());
        }
        if (manifest.version() != version) {
            return reject(version, "manifest under key " + version + " is for version " + manifest.version());
        }
        Optional<String> refusal = verifier.refusal(json, manifest);
        if (refusal.isPresent()) {
            return reject(version, refusal.get());
        }
        Optional<Integer> headerCount = intHeader(headers, ModelTopic.CHUNK_COUNT);
        if (headerCount.isPresent() && headerCount.get() != manifest.chunkCount()) {
            return reject(version, "manifest of version " + version + ": header chunk-count " + headerCount.get()
                    + " differs from JSON chunkCount " + manifest.chunkCount());
        }
        PendingVersion state = pending.get(version);
        drop(version);
        PendingBlob parameterChunks = state == null ? null : state.parameters;
        Joined parameters = join(version, Blob.PARAMETERS, parameterChunks, manifest.chunkCount(),
                manifest.parameterBytes(), manifest.parameterSha256());
        if (parameters.reason != null) {
            return new AssemblyResult.Rejected(Long.toString(version), parameters.reason);
        }
        ModelManifest.ClassTableRef ref = manifest.classTable();
        if (ref == null) {
            return new AssemblyResult.Completed(new PublishedModel(manifest, parameters.bytes));
        }
        Joined table = join(version, Blob.CLASS_TABLE, state == null ? null : state.classTable, ref.chunkCount(),
                ref.bytes(), ref.sha256());
        if (table.reason != null) {
            return new AssemblyResult.Rejected(Long.toString(version), table.reason);
        }
        try {
            ClassTable classTable = ClassTable.decode(table.bytes, ref.classes(), ref.dimensions());
            return new AssemblyResult.Completed(new PublishedModel(manifest, parameters.bytes, classTable));
        } catch (ModelFormatException | IllegalArgumentException e) {
            return new AssemblyResult.Rejected(Long.toString(version), "class table of version " + version
                    + " is unusable: " + e.getMessage());
        }
    }

    /** The blob's bytes put together and checked against the manifest, or the reason they cannot be. */
    private static Joined join(long version, Blob blob, PendingBlob chunks, int chunkCount, long size, String sha256) {
        int received = chunks == null ? 0 : chunks.chunks.size();
        if (chunks != null && chunks.chunkCount != chunkCount) {
            return Joined.failed(blob.prefix + "chunk count mismatch for version " + version + ": manifest says "
                    + chunkCount + ", chunks say " + chunks.chunkCount);
        }
        if (received < chunkCount) {
            return Joined.failed("manifest of version " + version + " arrived with " + received + " of " + chunkCount
                    + " " + blob.prefix + "chunks (chunks are published before their manifest)");
        }
        long total = chunks == null ? 0 : chunks.bytes;
        if (total != size) {
            return Joined.failed(blob.label + " size mismatch for version " + version + ": manifest says " + size
                    + " bytes, chunks hold " + total);
        }
        byte[] bytes = new byte[(int) total];
        int at = 0;
        for (int i = 0; i < chunkCount; i++) {
            byte[] chunk = chunks.chunks.get(i);
            System.arraycopy(chunk, 0, bytes, at, chunk.length);
            at += chunk.length;
        }
        String actual = Sha256.hex(bytes);
        if (!actual.equalsIgnoreCase(sha256)) {
            return Joined.failed(blob.prefix + "sha256 mismatch for version " + version + ": manifest says " + sha256
                    + ", " + blob.hashes + " to " + actual);
        }
        return new Joined(bytes, null);
    }

    /** Evicts the oldest other versions until {@code version} and {@code extraBytes} more fit. */
    private void makeRoom(long version, long extraBytes) {
        Iterator<Map.Entry<Long, PendingVersion>> oldestFirst = pending.entrySet().iterator();
        while (oldestFirst.hasNext()) {
            boolean tooManyVersions = !pending.containsKey(version) && pending.size() >= maxPendingVersions;
            boolean tooManyBytes = pendingBytes + extraBytes > maxPendingBytes;
            if (!tooManyVersions && !tooManyBytes) {
                return;
            }
            Map.Entry<Long, PendingVersion> oldest = oldestFirst.next();
            if (oldest.getKey() == version) {
                continue;
            }
            PendingVersion evicted = oldest.getValue();
            oldestFirst.remove();
            pendingBytes -= evicted.bytes();
            AssemblyResult.Rejected eviction = new AssemblyResult.Rejected(Long.toString(oldest.getKey()),
                    "version " + oldest.getKey() + " evicted incomplete with " + evicted.describe()
                            + " (pending limits: " + maxPendingVersions + " versions, " + maxPendingBytes + " bytes)");
            evictionListener.accept(eviction);
        }
    }

    private AssemblyResult.Rejected reject(long version, String reason) {
        drop(version);
        return new AssemblyResult.Rejected(Long.toString(version), reason);
    }

    private void drop(long version) {
        PendingVersion removed = pending.remove(version);
        if (removed != null) {
            pendingBytes -= removed.bytes();
        }
    }

    private static Optional<Integer> intHeader(WireHeaders headers, String name) {
        return headers.string(name).map(String::trim).filter(s -> s.matches("[0-9]{1,9}")).map(Integer::parseInt);
    }

    /** The blobs of a version, with the words its messages use (a parameter message reads as before blobs). */
    private enum Blob {
        PARAMETERS("", "parameter", "parameters hash"),
        CLASS_TABLE("class table ", "class table", "class table hashes");

        /** Before "chunk", "sha256". */
        final String prefix;
        /** Before "size mismatch". */
        final String label;
        /** Before "to &lt;hex&gt;". */
        final String hashes;

        Blob(String prefix, String label, String hashes) {
            this.prefix = prefix;
            this.label = label;
            this.hashes = hashes;
        }
    }

    private static final class PendingBlob {
        final int chunkCount;
        final Map<Integer, byte[]> chunks = new HashMap<>();
        long bytes;

        PendingBlob(int chunkCount) {
            this.chunkCount = chunkCount;
        }
    }

    private static final class PendingVersion {
        PendingBlob parameters;
        PendingBlob classTable;

        PendingBlob blob(Blob blob) {
            return blob == Blob.PARAMETERS ? parameters : classTable;
        }

        void put(Blob blob, PendingBlob chunks) {
            if (blob == Blob.PARAMETERS) {
                parameters = chunks;
            } else {
                classTable = chunks;
            }
        }

        long bytes() {
            return (parameters == null ? 0 : parameters.bytes) + (classTable == null ? 0 : classTable.bytes);
        }

        String describe() {
            return describe(parameters, Blob.PARAMETERS) + (classTable == null ? "" : " and "
                    + describe(classTable, Blob.CLASS_TABLE));
        }

        private static String describe(PendingBlob blob, Blob which) {
            return blob == null ? "no " + which.prefix + "chunks"
                    : blob.chunks.size() + " of " + blob.chunkCount + " " + which.prefix + "chunks";
        }
    }

    private record Joined(byte[] bytes, String reason) {
        static Joined failed(String reason) {
            return new Joined(null, reason);
        }
    }

    /** Settings of a {@link ModelAssembler}. */
    public static final class Builder {
        private int maxPendingVersions = 4;
        private long maxPendingBytes = 512L * 1024 * 1024;
        private Consumer<AssemblyResult.Rejected> evictionListener =
                eviction -> LOG.warn("{}", eviction.reason());
        private ManifestVerifier verifier = ManifestVerifier.none();

        private Builder() {
        }

        /** Most incomplete versions buffered at once. Default 4. */
        public Builder maxPendingVersions(int versions) {
            if (versions < 1) {
                throw new IllegalArgumentException("max pending versions must be >= 1, got " + versions);
            }
            this.maxPendingVersions = versions;
            return this;
        }

        /**
         * Most chunk bytes buffered at once, over all incomplete versions and both blobs (parameters and class
         * table); also the largest version that can be assembled. Default 512 MiB.
         */
        public Builder maxPendingBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max pending bytes must be >= 1, got " + bytes);
            }
            this.maxPendingBytes = Math.min(bytes, Integer.MAX_VALUE - 8L); // one byte[] holds the result
            return this;
        }

        /** Told about incomplete versions evicted to respect the limits. Default: log a warning. */
        public Builder evictionListener(Consumer<AssemblyResult.Rejected> listener) {
            this.evictionListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Checks each manifest's signature before its version is assembled; a refused manifest rejects the version.
         * Default {@link ManifestVerifier#none()}: signatures are not checked.
         */
        public Builder verifier(ManifestVerifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        public ModelAssembler build() {
            return new ModelAssembler(this);
        }
    }
}
