package io.embedstream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.connectors.kafka.EmbeddedKafkaBroker;
import io.embedstream.connectors.wire.DecodeResult;
import io.embedstream.connectors.wire.ImageRecordDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** The command line against a real broker, and its exit codes for bad input. */
class CommandLineTest {

    @Test
    void produceSendsDecodableLabeledImages() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            broker.createTopics("images");
            assertEquals(0, Main.run("produce", "--bootstrap", broker.bootstrapServers(),
                    "--dataset", "synthetic:120:10", "--count", "150", "--degraded-share", "0.5"));
            List<ConsumerRecord<byte[], byte[]>> records = readAll(broker.bootstrapServers(), "images", 150);
            assertEquals(150, records.size());
            ImageRecordDecoder decoder = ImageRecordDecoder.builder().classes(10).build();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertTrue(decoder.decode(r) instanceof DecodeResult.Decoded, "not decodable: " + decoder.decode(r));
            }
        }
    }

    @Test
    void badInputGetsExitCodeTwoAndNoStackTrace() {
        assertEquals(2, Main.run("fit", "--dataset", "nope"));
        assertEquals(2, Main.run("fit", "--dataset", "synthetic:100:10", "--ac-eps", "-1"));
        assertEquals(2, Main.run("produce", "--dataset", "folder:/definitely/not/here"));
        assertEquals(2, Main.run("train", "--input", "28x28"));
        assertEquals(0, Main.run("demo", "--help"));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "cli-test");
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
            }
        }
        return records;
    }
}
