package io.embedstream.connectors.kafka;

import io.embedstream.broker.EmbeddedKafkaBroker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real broker whose only client listener requires SASL/SCRAM-SHA-256: clients with credentials produce and
 * consume; the preflight check names the problem for missing credentials and for a wrong password.
 */
class SaslScramBrokerTest {
    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaBroker.builder().scramUser("broker", "broker-secret").scramUser("alice", "alice-secret")
                .autoCreateTopics(false).build().start();
        kafka.createTopics("secured");
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void clientsWithCredentialsProduceAndConsume() throws Exception {
        Map<String, String> alice = EmbeddedKafkaBroker.scramClientProperties("alice", "alice-secret");
        assertEquals(1, KafkaPreflight.check(kafka.bootstrapServers(), alice, Duration.ofSeconds(20)));
        Map<String, Object> producerProps = new HashMap<>(alice);
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("secured", "k" + i, "v" + i)).get();
            }
        }
        Map<String, Object> consumerProps = new HashMap<>(alice);
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "alice-group");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("secured"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < 5 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        assertEquals(List.of("v0", "v1", "v2", "v3", "v4"), values);
    }

    @Test
    void missingCredentialsGiveAClearError() {
        IOException e = assertThrows(IOException.class,
                () -> KafkaPreflight.check(kafka.bootstrapServers(), Map.of(), Duration.ofSeconds(3)));
        System.out.println("without credentials: " + e.getMessage());
        assertTrue(e.getMessage().contains("no answer from Kafka at " + kafka.bootstrapServers()), e.getMessage());
        assertTrue(e.getMessage().contains("security.protocol=PLAINTEXT"), e.getMessage());
        assertTrue(e.getMessage().contains("sasl.jaas.config"), e.getMessage());
    }

    @Test
    void aWrongPasswordIsNamedAsSuch() {
        IOException e = assertThrows(IOException.class, () -> KafkaPreflight.check(kafka.bootstrapServers(),
                EmbeddedKafkaBroker.scramClientProperties("alice", "wrong"), Duration.ofSeconds(20)));
        System.out.println("wrong password: " + e.getMessage());
        assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
    }
}
