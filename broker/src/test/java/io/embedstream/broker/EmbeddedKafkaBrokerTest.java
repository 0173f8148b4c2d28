package io.embedstream.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

/** Starts one real KRaft broker for the class and checks topics, produce/consume and cleanup. */
class EmbeddedKafkaBrokerTest {

    private static EmbeddedKafkaBroker kafka;
    private static long startupMillis;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        kafka = EmbeddedKafkaBroker.builder().partitions(2).brokerProperty("message.max.bytes", "2097152").build().start();
        startupMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("embedded broker started in " + startupMillis + " ms at " + kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        Path dir = kafka.logDir();
        kafka.close();
        assertFalse(Files.exists(dir), "temporary log dir must be deleted on close");
    }

    @Test
    void createsTopicsWithDefaultPartitions() throws Exception {
        kafka.createTopics("t-created");
        kafka.createTopics("t-created"); // existing topics are fine
        try (var admin = kafka.admin()) {
            var description = admin.describeTopics(Set.of("t-created")).allTopicNames().get().get("t-created");
            assertEquals(2, description.partitions().size());
        }
    }

    @Test
    void producesAndConsumesWithAConsumerGroup() {
        kafka.createTopics("t-roundtrip");
        Map<String, Object> producerProps = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (var producer = new KafkaProducer<String, String>(producerProps)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("t-roundtrip", "k" + i, "v" + i));
            }
            producer.flush();
        }
        Map<String, Object> consumerProps = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "g-roundtrip",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        int received = 0;
        try (var consumer = new KafkaConsumer<String, String>(consumerProps)) {
            consumer.subscribe(List.of("t-roundtrip"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (received < 10 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    assertTrue(r.value().startsWith("v"), new String(r.value().getBytes(StandardCharsets.UTF_8)));
                    received++;
                }
            }
            consumer.commitSync();
        }
        assertEquals(10, received);
    }

    @Test
    void brokerPropertyOverridesApply() throws Exception {
        try (var admin = kafka.admin()) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.BROKER, Integer.toString(EmbeddedKafkaBroker.NODE_ID));
            var config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
            assertEquals("2097152", config.get("message.max.bytes").value());
            assertEquals("1", config.get("offsets.topic.replication.factor").value());
        }
    }

    @Test
    void startupIsReasonablyFast() {
        assertTrue(startupMillis < 60_000, "startup took " + startupMillis + " ms");
    }
}
