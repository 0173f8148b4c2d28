package io.embedstream.serving;

import java.time.Instant;

import io.embedstream.connectors.model.ModelManifest;

/**
 * A new version was loaded and is now served.
 *
 * @param previousVersion the version served before, or -1 for the first one
 * @param manifest        the new version's manifest
 * @param loadMillis      how long the loader took
 * @param swappedAt       when new callers started getting the new version
 */
public record ModelSwap(long previousVersion, ModelManifest manifest, double loadMillis, Instant swappedAt) {

    public long version() {
        return manifest.version();
    }
}
