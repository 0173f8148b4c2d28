package io.embedstream.connectors.kafka;

import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.broker.TestCertificates;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SASL/SCRAM over TLS (SASL_SSL) on a real broker: the right settings connect, a missing trust store is named. */
class TlsScramBrokerTest {
    @TempDir
    Path temp;

    @Test
    void saslOverTlsConnectsAndAMissingTrustStoreIsNamed() throws Exception {
        TestCertificates certs = TestCertificates.localhost(temp.resolve("tls"), "changeit-123");
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().scramUser("broker", "broker-secret")
                .scramUser("alice", "alice-secret").tls(certs.keyStore(), certs.trustStore(), certs.password())
                .build().start()) {
            Map<String, String> alice = kafka.clientProperties("alice", "alice-secret");
            assertEquals("SASL_SSL", alice.get("security.protocol"));
            assertEquals(1, KafkaPreflight.check(kafka.bootstrapServers(), alice, Duration.ofSeconds(30)));
            kafka.createTopics("over-tls");

            Map<String, String> noTrustStore = new HashMap<>(alice);
            noTrustStore.keySet().removeIf(k -> k.startsWith("ssl.truststore"));
            IOException untrusted = assertThrows(IOException.class,
                    () -> KafkaPreflight.check(kafka.bootstrapServers(), noTrustStore, Duration.ofSeconds(20)));
            System.out.println("without the trust store: " + untrusted.getMessage());
            assertTrue(untrusted.getMessage().contains("TLS handshake"), untrusted.getMessage());

            IOException plaintext = assertThrows(IOException.class, () -> KafkaPreflight.check(
                    kafka.bootstrapServers(), EmbeddedKafkaBroker.scramClientProperties("alice", "alice-secret"),
                    Duration.ofSeconds(3)));
            System.out.println("SASL without TLS: " + plaintext.getMessage());
            assertTrue(plaintext.getMessage().contains("security.protocol=SASL_PLAINTEXT"), plaintext.getMessage());
        }
    }
}
