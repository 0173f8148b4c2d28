package io.embedstream.connectors.model;

import java.util.Objects;

/**
 * One complete, verified model version: its manifest, parameter bytes (length and SHA-256 match the manifest) and
 * class table, when the manifest has one (its length and SHA-256 match too, and it decoded). The arrays are not
 * copied; treat them as read-only.
 *
 * @param classTable the version's class table; null when the manifest has none (older versions may carry theirs
 *                   inline in the manifest's extras)
 */
public record PublishedModel(ModelManifest manifest, byte[] parameters, ClassTable classTable) {

    public PublishedModel {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(parameters, "parameters");
        if ((classTable == null) != (manifest.classTable() == null)) {
            throw new IllegalArgumentException("version " + manifest.version() + ": the manifest "
                    + (classTable == null ? "has a class table that is missing" : "has no class table, one was given"));
        }
        ModelManifest.ClassTableRef ref = manifest.classTable();
        if (ref != null && (ref.bytes() != classTable.bytes().length || ref.classes() != classTable.classes()
                || ref.dimensions() != classTable.dimensions())) {
            throw new IllegalArgumentException("version " + manifest.version() + ": the class table (" + classTable
                    + ") is not the one the manifest describes (" + ref + ")");
        }
    }

    /** A version without a class table. */
    public PublishedModel(ModelManifest manifest, byte[] parameters) {
        this(manifest, parameters, null);
    }

    public long version() {
        return manifest.version();
    }

    @Override
    public String toString() {
        return "PublishedModel[version=" + manifest.version() + ", step=" + manifest.trainingStep() + ", "
                + parameters.length + " parameter bytes" + (classTable == null ? "" : ", " + classTable) + "]";
    }
}
