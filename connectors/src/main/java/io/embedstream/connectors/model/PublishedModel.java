package io.embedstream.connectors.model;

import java.util.Objects;

/**
 * One complete, verified model version: its manifest and parameter bytes (length and SHA-256 match the
 * manifest). The array is not copied; treat it as read-only.
 */
public record PublishedModel(ModelManifest manifest, byte[] parameters) {

    public PublishedModel {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(parameters, "parameters");
    }

    public long version() {
        return manifest.version();
    }

    @Override
    public String toString() {
        return "PublishedModel[version=" + manifest.version() + ", step=" + manifest.trainingStep() + ", "
                + parameters.length + " parameter bytes]";
    }
}
