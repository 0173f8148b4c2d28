package io.embedstream.connectors.model;

import java.util.Objects;

/**
 * The signature of a manifest, as carried in its {@code "signature"} field.
 *
 * @param algorithm always {@value #ED25519} today
 * @param keyId     the signer's key fingerprint ({@link Ed25519Keys#keyId}), so a refusal can say whose key signed
 * @param value     the signature bytes, base64 (standard alphabet, padded)
 */
public record ManifestSignature(String algorithm, String keyId, String value) {

    public static final String ED25519 = "Ed25519";

    public ManifestSignature {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(value, "value");
    }
}
