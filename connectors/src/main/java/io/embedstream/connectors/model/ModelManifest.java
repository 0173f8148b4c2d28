package io.embedstream.connectors.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a consumer needs to know about one published model version, apart from the parameter bytes.
 *
 * <p>Build a draft with {@link #builder()}; the parameter fields ({@code parameterBytes},
 * {@code parameterSha256}, {@code chunkCount}, {@code chunkBytes}) and the class table reference are filled in by
 * {@link ModelChunker}. JSON form:
 * see {@link ModelManifestJson}.
 *
 * @param version            model version, &ge; 0, also the record key
 * @param trainingStep       training step the parameters were taken at
 * @param createdAt          when the version was published
 * @param architecture       architecture name, e.g. {@code "embedding-cnn"}
 * @param architectureConfig free-form architecture settings (layer sizes...), JSON-compatible values
 * @param input              network input shape
 * @param embeddingSize      embedding dimension
 * @param loss               free-form loss settings (name, margin...), JSON-compatible values
 * @param parameterBytes     length of the parameter bytes
 * @param parameterSha256    SHA-256 of the parameter bytes, lower-case hex
 * @param chunkCount         number of chunk records
 * @param chunkBytes         chunk size used (the last chunk may be shorter)
 * @param extras             free-form additions (e.g. the promotion status), JSON-compatible values
 * @param classTable         the version's class table blob ({@link ClassTable}), or null when it has none; filled in
 *                           by {@link ModelChunker}
 * @param signature          Ed25519 signature of all other fields ({@link ManifestSigner}), or null when unsigned
 */
public record ModelManifest(long version, long trainingStep, Instant createdAt, String architecture,
                            Map<String, Object> architectureConfig, InputShape input, int embeddingSize,
                            Map<String, Object> loss, long parameterBytes, String parameterSha256, int chunkCount,
                            int chunkBytes, Map<String, Object> extras, ClassTableRef classTable,
                            ManifestSignature signature) {

    /** Manifest JSON layout version, written as {@code "format"}. */
    public static final int FORMAT = 1;

    /**
     * The extra of manifests written before the class table was a blob of its own: the names of the classes, a list
     * parallel to {@link #CLASS_CENTROIDS_EXTRA}, entry c the name of class index c, null for an index no name was
     * learnt for. Read for backward compatibility; writers put names in the {@link ClassTable}.
     */
    public static final String CLASS_NAMES_EXTRA = "class_names";
    /**
     * The extra of manifests written before the class table was a blob of its own: one unit vector (a JSON list of
     * numbers) per class. Read for backward compatibility; writers publish a {@link ClassTable}.
     */
    public static final String CLASS_CENTROIDS_EXTRA = "class_centroids";

    /**
     * Where a version's class table blob is and how to check it: {@code bytes} long, hashing to {@code sha256}
     * (lower-case hex), in {@code chunkCount} chunks of the manifest's {@code chunkBytes} on the topic, holding
     * {@code classes} rows of {@code dimensions} values (see {@link ClassTable}). Part of the signed manifest.
     */
    public record ClassTableRef(long bytes, String sha256, int chunkCount, int classes, int dimensions) {
        public ClassTableRef {
            Objects.requireNonNull(sha256, "sha256");
            if (bytes < 0 || chunkCount < 0 || classes < 1 || dimensions < 1) {
                throw new IllegalArgumentException("class table needs bytes, chunkCount >= 0 and classes, dimensions"
                        + " >= 1, got " + bytes + ", " + chunkCount + ", " + classes + ", " + dimensions);
            }
        }
    }

    public ModelManifest {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(parameterSha256, "parameterSha256");
        if (embeddingSize <= 0) {
            throw new IllegalArgumentException("embeddingSize must be > 0, got " + embeddingSize);
        }
        if (parameterBytes < 0 || chunkCount < 0 || chunkBytes < 0) {
            throw new IllegalArgumentException("parameter sizes must be >= 0");
        }
        architectureConfig = frozen(architectureConfig);
        loss = frozen(loss);
        extras = frozen(extras);
    }

    /** An unsigned manifest without a class table (the form before signatures and class table blobs existed). */
    public ModelManifest(long version, long trainingStep, Instant createdAt, String architecture,
                         Map<String, Object> architectureConfig, InputShape input, int embeddingSize,
                         Map<String, Object> loss, long parameterBytes, String parameterSha256, int chunkCount,
                         int chunkBytes, Map<String, Object> extras) {
        this(version, trainingStep, createdAt, architecture, architectureConfig, input, embeddingSize, loss,
                parameterBytes, parameterSha256, chunkCount, chunkBytes, extras, null, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the manifest carries a signature (whether it verifies is {@link ManifestVerifier}'s question). */
    public boolean signed() {
        return signature != null;
    }

    /**
     * The inline class names of an older manifest ({@link #CLASS_NAMES_EXTRA}), entry c for class index c (null where
     * none is known); empty when the manifest has none (an integer-labelled stream, a manifest older than names, or
     * one whose names are in its {@link ClassTable}).
     *
     * @throws ModelFormatException if the extra is not a list of strings and nulls
     */
    public List<String> classNames() {
        Object raw = extras.get(CLASS_NAMES_EXTRA);
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> entries)) {
            throw new ModelFormatException(CLASS_NAMES_EXTRA + " of version " + version + " is not a list");
        }
        List<String> names = new ArrayList<>(entries.size());
        for (Object entry : entries) {
            if (entry != null && !(entry instanceof String)) {
                throw new ModelFormatException(CLASS_NAMES_EXTRA + " of version " + version + ": entry "
                        + names.size() + " is not a string");
            }
            names.add((String) entry);
        }
        return Collections.unmodifiableList(names);
    }

    /** This manifest with another signature (null = unsigned); see {@link ManifestSigner#sign}. */
    public ModelManifest withSignature(ManifestSignature signature) {
        return new ModelManifest(version, trainingStep, createdAt, architecture, architectureConfig, input,
                embeddingSize, loss, parameterBytes, parameterSha256, chunkCount, chunkBytes, extras, classTable,
                signature);
    }

    /**
     * This manifest describing the given parameters, split into {@code chunkCount} chunks of {@code chunkBytes};
     * unsigned, since a signature covers the old values.
     */
    public ModelManifest withParameters(long parameterBytes, String parameterSha256, int chunkCount, int chunkBytes) {
        return new ModelManifest(version, trainingStep, createdAt, architecture, architectureConfig, input,
                embeddingSize, loss, parameterBytes, parameterSha256, chunkCount, chunkBytes, extras, classTable,
                null);
    }

    /** This manifest with another class table reference (null = none); unsigned, like any change. */
    public ModelManifest withClassTable(ClassTableRef classTable) {
        return new ModelManifest(version, trainingStep, createdAt, architecture, architectureConfig, input,
                embeddingSize, loss, parameterBytes, parameterSha256, chunkCount, chunkBytes, extras, classTable,
                null);
    }

    /** This manifest with other extras; unsigned, like any change. */
    public ModelManifest withExtras(Map<String, Object> extras) {
        return new ModelManifest(version, trainingStep, createdAt, architecture, architectureConfig, input,
                embeddingSize, loss, parameterBytes, parameterSha256, chunkCount, chunkBytes, extras, classTable,
                null);
    }

    // Null values are legal JSON, so Map.copyOf (which rejects them) is not an option.
    private static Map<String, Object> frozen(Map<String, Object> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Builds a draft manifest; parameter fields are set by {@link ModelChunker}. */
    public static final class Builder {
        private long version = -1;
        private long trainingStep;
        private Instant createdAt;
        private String architecture;
        private Map<String, Object> architectureConfig = Map.of();
        private InputShape input;
        private int embeddingSize;
        private Map<String, Object> loss = Map.of();
        private Map<String, Object> extras = Map.of();

        private Builder() {
        }

        /** Required, &ge; 0. */
        public Builder version(long version) {
            this.version = version;
            return this;
        }

        /** Default 0. */
        public Builder trainingStep(long step) {
            this.trainingStep = step;
            return this;
        }

        /** Default: the time {@link #build()} is called. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Required. */
        public Builder architecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        /** Default empty. */
        public Builder architectureConfig(Map<String, Object> config) {
            this.architectureConfig = config;
            return this;
        }

        /** Required. */
        public Builder input(InputShape input) {
            this.input = input;
            return this;
        }

        /** Required, &gt; 0. */
        public Builder embeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /** Default empty. */
        public Builder loss(Map<String, Object> loss) {
            this.loss = loss;
            return this;
        }

        /** Default empty. */
        public Builder extras(Map<String, Object> extras) {
            this.extras = extras;
            return this;
        }

        /** A draft with zero parameter fields. */
        public ModelManifest build() {
            if (version < 0) {
                throw new IllegalStateException("version is required");
            }
            return new ModelManifest(version, trainingStep, createdAt == null ? Instant.now() : createdAt,
                    Objects.requireNonNull(architecture, "architecture is required"), architectureConfig,
                    Objects.requireNonNull(input, "input is required"), embeddingSize, loss, 0, "", 0, 0, extras);
        }
    }
}
