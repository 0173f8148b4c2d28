package io.embedstream.connectors.model;

/**
 * The model publication topic (default {@value #DEFAULT_TOPIC}).
 *
 * <p>Each published version is {@code chunk-count} chunk records of its parameters, then (for a version with
 * classes) the chunk records of its class table ({@link ClassTable}), then one manifest record, all with key = the
 * version as a decimal string (so all of a version lands in one partition, in order). Chunks come first so that a
 * consumer that sees the manifest can assemble the version at once.
 *
 * <ul>
 *   <li>Chunk: value = a slice of the parameter bytes (at most the chunk size, default 512 KiB); headers
 *       {@value #TYPE}={@value #TYPE_CHUNK}, {@value #CHUNK_INDEX} (0-based), {@value #CHUNK_COUNT}.</li>
 *   <li>Blob chunk: value = a slice of another blob of the version, at most the chunk size; headers
 *       {@value #TYPE}={@value #TYPE_BLOB_CHUNK}, {@value #BLOB} (which blob: {@value #BLOB_CLASS_TABLE}),
 *       {@value #CHUNK_INDEX}, {@value #CHUNK_COUNT} (the blob's own count). A type of its own, not
 *       {@value #TYPE_CHUNK} with one more header: a reader older than blobs refuses these records one by one (an
 *       unknown type) and still assembles the version from its parameter chunks, where chunks of two blobs under
 *       one type would make it reject the whole version.</li>
 *   <li>Manifest: value = compact UTF-8 JSON of {@link ModelManifest}; headers
 *       {@value #TYPE}={@value #TYPE_MANIFEST}, {@value #CHUNK_COUNT}, {@value #CONTENT_TYPE}={@value #JSON}.</li>
 *   <li>Decision: value = compact UTF-8 JSON of {@link PromotionRecord} (promote, reject, rollback); key
 *       {@value PromotionRecord#KEY}, headers {@value #TYPE}={@value #TYPE_PROMOTION}, {@value #CONTENT_TYPE}.</li>
 * </ul>
 * Header values are UTF-8 text; numbers are decimal.
 */
public final class ModelTopic {

    public static final String DEFAULT_TOPIC = "embedstream.models";
    /** Record kind header: {@value #TYPE_MANIFEST} or {@value #TYPE_CHUNK}. */
    public static final String TYPE = "embedstream-type";
    public static final String TYPE_MANIFEST = "manifest";
    public static final String TYPE_CHUNK = "chunk";
    /** A chunk of a blob other than the parameters, named by {@value #BLOB}. */
    public static final String TYPE_BLOB_CHUNK = "blob-chunk";
    /** Which blob a {@value #TYPE_BLOB_CHUNK} belongs to. */
    public static final String BLOB = "embedstream-blob";
    /** The class table blob ({@link ClassTable}). */
    public static final String BLOB_CLASS_TABLE = "class-table";
    /** A decision of the promotion gate ({@link PromotionRecord}): key {@value PromotionRecord#KEY}, JSON value. */
    public static final String TYPE_PROMOTION = "promotion";
    /** 0-based position of a chunk. */
    public static final String CHUNK_INDEX = "chunk-index";
    /** Number of parameter chunks of the version (on chunks and on the manifest); a blob's own on its chunks. */
    public static final String CHUNK_COUNT = "chunk-count";
    public static final String CONTENT_TYPE = "content-type";
    public static final String JSON = "application/json";
    /** Default chunk size: 512 KiB, well under the broker's default 1 MiB {@code max.message.bytes}. */
    public static final int DEFAULT_CHUNK_BYTES = 512 * 1024;

    private ModelTopic() {
    }
}
