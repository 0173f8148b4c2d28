package io.embedstream.pipeline.operators;

import io.embedstream.connectors.model.ManifestSigner;
import java.io.IOException;
import java.nio.file.Path;

/** Loads the job's manifest signer from {@code publish.signing-key}, where the publishing operators run. */
public final class ManifestSigning {
    private ManifestSigning() {}

    /**
     * The signer for {@code keyFile}, or null when no key is configured (unsigned publication).
     *
     * @throws IllegalArgumentException naming the setting when the file is missing or not an Ed25519 private key
     */
    public static ManifestSigner signer(String keyFile) {
        if (keyFile == null) {
            return null;
        }
        try {
            return ManifestSigner.fromFile(Path.of(keyFile));
        } catch (IOException e) {
            throw new IllegalArgumentException("publish.signing-key: cannot read " + keyFile + " (" + e + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("publish.signing-key: " + e.getMessage(), e);
        }
    }
}
