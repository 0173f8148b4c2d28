package io.embedstream.connectors.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.embedstream.connectors.wire.WireHeaders;

/** Ed25519 manifest signatures: keys, the canonical form, signing, and each way a manifest is refused. */
class ManifestSignatureTest {

    // Made with: openssl genpkey -algorithm ed25519 -out k.pem; openssl pkey -in k.pem -pubout
    private static final String OPENSSL_PRIVATE = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIMj+XgocNGh7TknV/H7Re5R4dfpcjJgKlYSymQvQ3Wau
            -----END PRIVATE KEY-----
            """;
    private static final String OPENSSL_PUBLIC = """
            -----BEGIN PUBLIC KEY-----
            MCowBQYDK2VwAyEAaAme07HG/APxt3khl2TEIpat1sNrghXyd4M/1Awtlvk=
            -----END PUBLIC KEY-----
            """;
    // openssl pkeyutl -sign -inkey k.pem -rawin -in <(echo -n hello) | base64
    private static final String OPENSSL_SIGNATURE_OF_HELLO =
            "eyA1hcYbtCZnwpyKkuAPvk8nL+CyWBtRCVNW+qHItKc+t0vrGAdIM8eM+gzy4R4N+3AbBhlKAZn9cuE7HImMAA==";

    private static final KeyPair PUBLISHER = Ed25519Keys.generate();
    private static final KeyPair STRANGER = Ed25519Keys.generate();

    static ModelManifest manifest(long version) {
        return ModelFormatTest.draft(version).withExtras(Map.of("classes", 2,
                "class_centroids", List.of(List.of(0.70710677f, -0.70710677f), List.of(1e-7f, 1f))));
    }

    @Test
    void readsOpensslKeysAndDerivesTheSamePublicKey(@TempDir Path dir) throws Exception {
        Path privateFile = dir.resolve("k.pem");
        Path publicFile = dir.resolve("k.pub");
        Files.writeString(privateFile, OPENSSL_PRIVATE);
        Files.writeString(publicFile, OPENSSL_PUBLIC);
        PrivateKey privateKey = Ed25519Keys.readPrivate(privateFile);
        PublicKey publicKey = Ed25519Keys.readPublic(publicFile);
        assertArrayEquals(publicKey.getEncoded(), Ed25519Keys.publicKeyOf(privateKey).getEncoded());

        Signature ed = Signature.getInstance("Ed25519");
        ed.initSign(privateKey);
        ed.update("hello".getBytes(StandardCharsets.US_ASCII));
        assertEquals(OPENSSL_SIGNATURE_OF_HELLO, Base64.getEncoder().encodeToString(ed.sign()),
                "same key, same message: Ed25519 is deterministic, so the JDK must match OpenSSL");
    }

    @Test
    void writtenKeysReadBackAsPemAndDer(@TempDir Path dir) throws Exception {
        Ed25519Keys.writePrivatePem(PUBLISHER.getPrivate(), dir.resolve("p.pem"));
        Ed25519Keys.writePublicPem(PUBLISHER.getPublic(), dir.resolve("p.pub"));
        assertTrue(Files.readString(dir.resolve("p.pem")).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertArrayEquals(PUBLISHER.getPrivate().getEncoded(), Ed25519Keys.readPrivate(dir.resolve("p.pem")).getEncoded());
        assertArrayEquals(PUBLISHER.getPublic().getEncoded(), Ed25519Keys.readPublic(dir.resolve("p.pub")).getEncoded());
        Files.write(dir.resolve("p.der"), PUBLISHER.getPublic().getEncoded());
        assertArrayEquals(PUBLISHER.getPublic().getEncoded(), Ed25519Keys.readPublic(dir.resolve("p.der")).getEncoded());

        IllegalArgumentException wrongBlock = assertThrows(IllegalArgumentException.class,
                () -> Ed25519Keys.readPublic(dir.resolve("p.pem")));
        assertTrue(wrongBlock.getMessage().contains("not a 'PUBLIC KEY' block"), wrongBlock.getMessage());
        Files.writeString(dir.resolve("junk"), "not a key");
        assertThrows(IllegalArgumentException.class, () -> Ed25519Keys.readPrivate(dir.resolve("junk")));
    }

    @Test
    void canonicalFormIgnoresLayoutKeyOrderAndTheSignature() {
        ModelManifest m = manifest(3).withParameters(10, "ab", 1, 512);
        byte[] compact = ModelManifestJson.toBytes(m);
        byte[] pretty = ModelManifestJson.toPrettyBytes(m);
        assertArrayEquals(ManifestCanonicalForm.signedBytes(compact), ManifestCanonicalForm.signedBytes(pretty));
        byte[] signed = ModelManifestJson.toBytes(new ManifestSigner(PUBLISHER.getPrivate()).sign(m));
        assertArrayEquals(ManifestCanonicalForm.signedBytes(compact), ManifestCanonicalForm.signedBytes(signed));

        String text = new String(ManifestCanonicalForm.signedBytes(
                "{\"b\":1.50,\"a\":[1e2,-0.0,\"x\\\"y\"],\"signature\":{\"value\":\"z\"},\"c\":{\"signature\":2}}"
                        .getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertEquals("embedstream-manifest-signature-v1\n{\"a\":[1E+2,0,\"x\\\"y\"],\"b\":1.5,\"c\":{\"signature\":2}}",
                text, "sorted keys, exact decimals, only the top-level signature left out");
    }

    @Test
    void goodSignatureIsAcceptedAndRoundTrips() {
        ManifestSigner signer = new ManifestSigner(PUBLISHER.getPrivate());
        ModelManifest signed = signer.sign(manifest(4).withParameters(10, "ab", 1, 512));
        assertTrue(signed.signed());
        assertEquals(Ed25519Keys.keyId(PUBLISHER.getPublic()), signed.signature().keyId());
        byte[] json = ModelManifestJson.toBytes(signed);
        ModelManifest parsed = ModelManifestJson.fromBytes(json);
        assertEquals(signed.signature(), parsed.signature());
        assertEquals(new String(json, StandardCharsets.UTF_8),
                new String(ModelManifestJson.toBytes(parsed), StandardCharsets.UTF_8));
        ManifestVerifier verifier = ManifestVerifier.requireSignatureBy(PUBLISHER.getPublic());
        assertEquals(Optional.empty(), verifier.refusal(json, parsed));
        byte[] pretty = ModelManifestJson.toPrettyBytes(signed);
        assertEquals(Optional.empty(), verifier.refusal(pretty, ModelManifestJson.fromBytes(pretty)),
                "the model directory's indented manifest verifies too");
        assertEquals(signed, signer.sign(signed), "Ed25519 is deterministic: signing again changes nothing");
    }

    @Test
    void unsignedOtherKeyAndTamperedAreRefused() {
        ModelManifest unsigned = manifest(5).withParameters(10, "ab", 1, 512);
        ManifestVerifier verifier = ManifestVerifier.requireSignatureBy(PUBLISHER.getPublic());
        String keyId = Ed25519Keys.keyId(PUBLISHER.getPublic());

        byte[] unsignedJson = ModelManifestJson.toBytes(unsigned);
        assertTrue(new String(unsignedJson, StandardCharsets.UTF_8).endsWith(",\"signature\":null}"));
        assertEquals(Optional.of("version 5 is unsigned, but a signature by key " + keyId + " is required"),
                verifier.refusal(unsignedJson, unsigned));

        ModelManifest byStranger = new ManifestSigner(STRANGER.getPrivate()).sign(unsigned);
        assertEquals(Optional.of("version 5 is signed by key " + Ed25519Keys.keyId(STRANGER.getPublic())
                        + ", not by the required key " + keyId),
                verifier.refusal(ModelManifestJson.toBytes(byStranger), byStranger));

        ModelManifest signed = new ManifestSigner(PUBLISHER.getPrivate()).sign(unsigned);
        String json = new String(ModelManifestJson.toBytes(signed), StandardCharsets.UTF_8);
        for (String[] edit : new String[][] {
                {"\"parameterSha256\":\"ab\"", "\"parameterSha256\":\"cd\""},
                {"0.70710677", "0.70710678"},
                {"\"version\":5", "\"version\":6"},
                {"\"height\":28", "\"height\":29"}}) {
            assertTrue(json.contains(edit[0]), edit[0]);
            byte[] tampered = json.replace(edit[0], edit[1]).getBytes(StandardCharsets.UTF_8);
            ModelManifest parsed = ModelManifestJson.fromBytes(tampered);
            assertEquals(Optional.of("signature of version " + parsed.version() + " does not verify with key "
                    + keyId + ": the manifest was modified after signing"), verifier.refusal(tampered, parsed),
                    "edit " + edit[0]);
        }
        assertEquals(Optional.empty(), ManifestVerifier.none().refusal(unsignedJson, unsigned),
                "without a key nothing is checked");
    }

    @Test
    void manifestsWithoutTheFieldAreUnsigned() {
        String old = "{\"format\":1,\"version\":7,\"trainingStep\":1,\"createdAt\":\"2026-11-23T18:00:00Z\","
                + "\"architecture\":\"cm-mnist\",\"input\":{\"width\":28,\"height\":28,\"channels\":1},"
                + "\"embeddingSize\":8,\"parameterBytes\":1,\"parameterSha256\":\"ab\",\"chunkCount\":1,\"chunkBytes\":1}";
        ModelManifest parsed = ModelManifestJson.fromBytes(old.getBytes(StandardCharsets.UTF_8));
        assertNull(parsed.signature());
        assertFalse(parsed.signed());
    }

    @Test
    void assemblerAndDirectoryReaderApplyTheVerifier(@TempDir Path root) {
        byte[] parameters = ModelFormatTest.randomBytes(3000, 8);
        ManifestVerifier verifier = ManifestVerifier.requireSignatureBy(PUBLISHER.getPublic());
        ModelChunker chunker = ModelChunker.builder().chunkBytes(1000).build();

        List<ProducerRecord<byte[], byte[]>> signed = chunker.chunk(manifest(8), parameters,
                new ManifestSigner(PUBLISHER.getPrivate())).records();
        ModelAssembler assembler = ModelAssembler.builder().verifier(verifier).build();
        signed.subList(0, signed.size() - 1).forEach(r -> feed(assembler, r));
        assertInstanceOf(AssemblyResult.Completed.class, feed(assembler, signed.get(signed.size() - 1)));

        List<ProducerRecord<byte[], byte[]>> unsigned = chunker.chunk(manifest(9), parameters).records();
        unsigned.subList(0, unsigned.size() - 1).forEach(r -> feed(assembler, r));
        AssemblyResult.Rejected rejected = assertInstanceOf(AssemblyResult.Rejected.class,
                feed(assembler, unsigned.get(unsigned.size() - 1)));
        assertTrue(rejected.reason().startsWith("version 9 is unsigned"), rejected.reason());
        assertEquals(0, assembler.pendingVersions(), "the refused version's chunks are dropped");

        ModelManifest manifest = new ManifestSigner(STRANGER.getPrivate())
                .sign(manifest(10).withParameters(parameters.length, Sha256.hex(parameters), 1, 4096));
        new ModelDirectoryWriter(root).write(new PublishedModel(manifest, parameters));
        assertArrayEquals(parameters, new ModelDirectoryReader(root).read(10).parameters(), "no key: not checked");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> new ModelDirectoryReader(root, verifier).read(10));
        assertTrue(e.getMessage().contains("version 10 is signed by key " + Ed25519Keys.keyId(STRANGER.getPublic())),
                e.getMessage());
    }

    private static AssemblyResult feed(ModelAssembler assembler, ProducerRecord<byte[], byte[]> r) {
        return assembler.accept(r.key(), r.value(), WireHeaders.fromKafka(r.headers()));
    }
}
