package io.embedstream.connectors.model;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Objects;

/**
 * Signs manifests with an Ed25519 private key. The signature covers every manifest field
 * ({@link ManifestCanonicalForm}), the parameters' SHA-256 included, so that with the publisher's public key a
 * subscriber detects a modified manifest (signature) and modified parameters (SHA-256). Ed25519 signatures are
 * deterministic: the same manifest signed twice gives the same bytes. Thread-safe.
 */
public final class ManifestSigner {

    private final PrivateKey key;
    private final String keyId;

    public ManifestSigner(PrivateKey key) {
        this.key = Objects.requireNonNull(key, "key");
        this.keyId = Ed25519Keys.keyId(Ed25519Keys.publicKeyOf(key));
    }

    /** A signer with the PKCS#8 private key (PEM or DER) in {@code file}. */
    public static ManifestSigner fromFile(Path file) throws IOException {
        return new ManifestSigner(Ed25519Keys.readPrivate(file));
    }

    /** Fingerprint of the matching public key, written into each signature. */
    public String keyId() {
        return keyId;
    }

    /**
     * The manifest with its signature. Sign the final manifest: any later change ({@code withParameters},
     * {@code withExtras}) drops the signature.
     */
    public ModelManifest sign(ModelManifest manifest) {
        byte[] payload = ManifestCanonicalForm.signedBytes(ModelManifestJson.toBytes(manifest.withSignature(null)));
        try {
            Signature ed = Signature.getInstance(ManifestSignature.ED25519);
            ed.initSign(key);
            ed.update(payload);
            String value = Base64.getEncoder().encodeToString(ed.sign());
            return manifest.withSignature(new ManifestSignature(ManifestSignature.ED25519, keyId, value));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign manifest of version " + manifest.version() + ": "
                    + e.getMessage(), e);
        }
    }
}
