package io.embedstream.connectors.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 keys for signing manifests, in the files OpenSSL uses: the private key as PKCS#8 and the public key as
 * X.509 SubjectPublicKeyInfo, each either PEM ({@code -----BEGIN PRIVATE KEY-----} / {@code PUBLIC KEY}) or raw
 * DER. {@code openssl genpkey -algorithm ed25519 -out signing.pem} and {@code openssl pkey -in signing.pem -pubout}
 * make compatible files.
 */
public final class Ed25519Keys {

    private static final String PRIVATE_PEM = "PRIVATE KEY";
    private static final String PUBLIC_PEM = "PUBLIC KEY";

    private Ed25519Keys() {
    }

    /** A new key pair from the platform's strong random source. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ManifestSignature.ED25519).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 15+ runtime provides Ed25519", e);
        }
    }

    /**
     * Reads a PKCS#8 private key (PEM or DER).
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not an Ed25519 private key
     */
    public static PrivateKey readPrivate(Path file) throws IOException {
        byte[] der = derOf(file, PRIVATE_PEM);
        try {
            return KeyFactory.getInstance(ManifestSignature.ED25519).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(file + " is not an Ed25519 private key (PKCS#8, PEM or DER): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads an X.509 public key (PEM or DER).
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not an Ed25519 public key
     */
    public static PublicKey readPublic(Path file) throws IOException {
        byte[] der = derOf(file, PUBLIC_PEM);
        try {
            return KeyFactory.getInstance(ManifestSignature.ED25519).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(file + " is not an Ed25519 public key (X.509, PEM or DER): "
                    + e.getMessage(), e);
        }
    }

    /** Writes the private key as PEM, readable by its owner only where the file system supports it. */
    public static void writePrivatePem(PrivateKey key, Path file) throws IOException {
        Files.writeString(file, pem(PRIVATE_PEM, key.getEncoded()), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the caller's umask / ACLs decide.
        }
    }

    public static void writePublicPem(PublicKey key, Path file) throws IOException {
        Files.writeString(file, pem(PUBLIC_PEM, key.getEncoded()), StandardCharsets.US_ASCII);
    }

    /**
     * The public key of an Ed25519 private key. The JDK has no API for it, but its key pair generator derives the
     * public key from 32 random bytes, which are the private key: fed the private key as its "random" bytes, it
     * returns the matching pair.
     */
    public static PublicKey publicKeyOf(PrivateKey privateKey) {
        if (!(privateKey instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + privateKey.getAlgorithm());
        }
        byte[] seed = ed.getBytes().get();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ManifestSignature.ED25519);
            generator.initialize(255, new FixedBytes(seed));
            KeyPair pair = generator.generateKeyPair();
            byte[] derived = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            if (!Arrays.equals(seed, derived)) {
                throw new IllegalStateException("this Java runtime does not derive Ed25519 keys from the random bytes"
                        + " as expected; give the public key explicitly");
            }
            return pair.getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 15+ runtime provides Ed25519", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** A short fingerprint of a public key: the first 16 hex digits of the SHA-256 of its X.509 encoding. */
    public static String keyId(PublicKey key) {
        return Sha256.hex(key.getEncoded()).substring(0, 16);
    }

    private static byte[] derOf(Path file, String pemType) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN ");
        if (begin < 0) {
            return bytes;
        }
        String header = "-----BEGIN " + pemType + "-----";
        String footer = "-----END " + pemType + "-----";
        int start = text.indexOf(header);
        int end = text.indexOf(footer);
        if (start < 0 || end < start) {
            int lineEnd = text.indexOf('\n', begin);
            throw new IllegalArgumentException(file + " is PEM but not a '" + pemType + "' block (found '"
                    + text.substring(begin, lineEnd < 0 ? text.length() : lineEnd).trim() + "')");
        }
        String base64 = text.substring(start + header.length(), end).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the PEM block is not valid base64", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** A "random" source that returns given bytes: see {@link #publicKeyOf}. */
    private static final class FixedBytes extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("expected a request for " + bytes.length + " bytes, got " + out.length);
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
