package io.embedstream.pipeline.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.connectors.model.AssemblyResult;
import io.embedstream.connectors.model.Ed25519Keys;
import io.embedstream.connectors.model.ManifestVerifier;
import io.embedstream.connectors.model.ModelAssembler;
import io.embedstream.connectors.model.ModelDirectoryReader;
import io.embedstream.connectors.wire.WireHeaders;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.types.KafkaBytesRecord;
import io.embedstream.pipeline.types.ModelSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** publish.signing-key: the job's topic records and model directory carry manifests its public key verifies. */
class ModelSigningTest {
    private static final TrainerConfig CONFIG = TrainerConfig.builder()
            .network(NetworkConfig.builder().embeddingSize(2).build()).classes(2).device("cpu").build();

    private static ModelSnapshot snapshot() {
        ModelSnapshot s = new ModelSnapshot();
        s.version = 4;
        s.step = 40;
        s.timestampMillis = 4_000_000L;
        s.parameters = new byte[3000];
        java.util.Arrays.fill(s.parameters, (byte) 4);
        s.classes = 2;
        s.classWeights = new float[] {0.6f, 0.8f, -1, 0.25f};
        return s;
    }

    private static List<KafkaBytesRecord> records(String signingKey) {
        ModelRecordsFunction function = new ModelRecordsFunction(CONFIG, "embedstream.models", signingKey);
        function.open(null);
        List<KafkaBytesRecord> out = new ArrayList<>();
        function.flatMap(snapshot(), new Collector<>() {
            @Override
            public void collect(KafkaBytesRecord record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
        return out;
    }

    private static AssemblyResult assemble(List<KafkaBytesRecord> records, ManifestVerifier verifier) {
        ModelAssembler assembler = ModelAssembler.builder().verifier(verifier).build();
        AssemblyResult last = null;
        for (KafkaBytesRecord r : records) {
            WireHeaders headers = WireHeaders.empty();
            for (int i = 0; i < r.headerNames.length; i++) {
                headers = headers.with(r.headerNames[i], r.headerValues[i]);
            }
            last = assembler.accept(r.key, r.value, headers);
        }
        return last;
    }

    @Test
    void signedWithTheConfiguredKeyOnTheTopicAndInTheDirectory(@TempDir Path dir) throws Exception {
        KeyPair key = Ed25519Keys.generate();
        Path keyFile = dir.resolve("signing.key");
        Ed25519Keys.writePrivatePem(key.getPrivate(), keyFile);
        Properties p = new Properties();
        p.setProperty("publish.signing-key", keyFile.toString());
        p.setProperty("batcher.classes-per-batch", "2");
        assertEquals(keyFile.toString(), PipelineConfig.fromProperties(p, CONFIG).publish().signingKey());

        ManifestVerifier verifier = ManifestVerifier.requireSignatureBy(key.getPublic());
        AssemblyResult.Completed done = assertInstanceOf(AssemblyResult.Completed.class,
                assemble(records(keyFile.toString()), verifier));
        assertEquals(Ed25519Keys.keyId(key.getPublic()), done.model().manifest().signature().keyId());

        ModelDirectorySink sink = new ModelDirectorySink(CONFIG, dir.resolve("models").toString(), keyFile.toString());
        sink.open(null);
        sink.invoke(snapshot(), null);
        assertEquals(4, new ModelDirectoryReader(dir.resolve("models"), verifier).read(4).version());

        AssemblyResult.Rejected unsigned = assertInstanceOf(AssemblyResult.Rejected.class, assemble(records(null), verifier));
        assertTrue(unsigned.reason().startsWith("version 4 is unsigned"), unsigned.reason());
        List<KafkaBytesRecord> plain = records(null);
        String manifest = new String(plain.get(plain.size() - 1).value, StandardCharsets.UTF_8);
        assertTrue(manifest.endsWith("\"signature\":null}"), manifest);
        assertNull(assertInstanceOf(AssemblyResult.Completed.class, assemble(plain, ManifestVerifier.none()))
                .model().manifest().signature());
    }

    @Test
    void anUnusableKeyFailsWithTheSettingsName(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.key"), "not a key");
        ModelRecordsFunction function = new ModelRecordsFunction(CONFIG, "embedstream.models", junk.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> function.open(null));
        assertTrue(e.getMessage().startsWith("publish.signing-key: " + junk + " is not an Ed25519 private key"),
                e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new ModelRecordsFunction(CONFIG, "t", dir.resolve("absent.key").toString()).open(null));
        assertTrue(missing.getMessage().startsWith("publish.signing-key: cannot read " + dir.resolve("absent.key")),
                missing.getMessage());
    }
}
