package io.embedstream.connectors.model;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a manifest's signature is acceptable. {@link #none()} accepts every manifest (signatures are not
 * checked); {@link #requireSignatureBy(PublicKey)} accepts only manifests signed with the matching private key and
 * refuses unsigned ones, ones signed by another key and ones modified after signing. Thread-safe.
 */
public final class ManifestVerifier {

    private static final ManifestVerifier NONE = new ManifestVerifier(null);

    private final PublicKey key;
    private final String keyId;

    private ManifestVerifier(PublicKey key) {
        this.key = key;
        this.keyId = key == null ? null : Ed25519Keys.keyId(key);
    }

    /** Accepts any manifest, signed or not, without checking. */
    public static ManifestVerifier none() {
        return NONE;
    }

    /** Accepts only manifests signed by the private key of {@code key}. */
    public static ManifestVerifier requireSignatureBy(PublicKey key) {
        return new ManifestVerifier(Objects.requireNonNull(key, "key"));
    }

    /** {@link #requireSignatureBy(PublicKey)} with the X.509 public key (PEM or DER) in {@code file}. */
    public static ManifestVerifier requireSignatureBy(Path file) throws IOException {
        return requireSignatureBy(Ed25519Keys.readPublic(file));
    }

    /** Whether signatures are checked. */
    public boolean checksSignatures() {
        return key != null;
    }

    /** Fingerprint of the required key, if any. */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    /**
     * Why a manifest is refused, or empty when it is acceptable.
     *
     * @param manifestJson the manifest exactly as received (the signature covers its fields, not its layout)
     * @param manifest     the same manifest, parsed
     */
    public Optional<String> refusal(byte[] manifestJson, ModelManifest manifest) {
        if (key == null) {
            return Optional.empty();
        }
        long version = manifest.version();
        ManifestSignature signature = manifest.signature();
        if (signature == null) {
            return Optional.of("version " + version + " is unsigned, but a signature by key " + keyId + " is required");
        }
        if (!ManifestSignature.ED25519.equals(signature.algorithm())) {
            return Optional.of("version " + version + " is signed with unsupported algorithm '" + signature.algorithm()
                    + "' (expected " + ManifestSignature.ED25519 + ")");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(signature.value());
        } catch (IllegalArgumentException e) {
            return Optional.of("signature of version " + version + " is not base64");
        }
        boolean valid;
        try {
            Signature ed = Signature.getInstance(ManifestSignature.ED25519);
            ed.initVerify(key);
            ed.update(ManifestCanonicalForm.signedBytes(manifestJson));
            valid = ed.verify(bytes);
        } catch (GeneralSecurityException e) {
            valid = false; // a malformed signature (wrong length) is just an invalid one
        }
        if (valid) {
            return Optional.empty();
        }
        if (!keyId.equals(signature.keyId())) {
            return Optional.of("version " + version + " is signed by key " + signature.keyId()
                    + ", not by the required key " + keyId);
        }
        return Optional.of("signature of version " + version + " does not verify with key " + keyId
                + ": the manifest was modified after signing");
    }
}
