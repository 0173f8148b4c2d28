package io.embedstream.connectors.model;

import java.nio.file.Path;

/**
 * Layout of a local model directory: one sub-directory per version, {@code v<version>/manifest.json} (indented
 * JSON, see {@link ModelManifestJson}), {@code v<version>/parameters.bin} (the raw parameter bytes) and, for a version
 * whose manifest has a {@code classTable}, {@code v<version>/class_table.bin} (the {@link ClassTable} blob).
 */
public final class ModelDirectory {

    public static final String MANIFEST_FILE = "manifest.json";
    public static final String PARAMETERS_FILE = "parameters.bin";
    /** The class table blob ({@link ClassTable}), beside the parameters; only for a version that has one. */
    public static final String CLASS_TABLE_FILE = "class_table.bin";
    /**
     * The promotion gate's decision on a candidate version ({@link PromotionRecord} JSON), written with the version;
     * a candidate without one is not promoted.
     */
    public static final String DECISION_FILE = "decision.json";
    static final String VERSION_PREFIX = "v";

    private ModelDirectory() {
    }

    /** {@code root/v<version>}. */
    public static Path versionDir(Path root, long version) {
        return root.resolve(VERSION_PREFIX + version);
    }
}
