package io.embedstream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void dashboardRefusesAMissingTopicOrReplayFileWithAClearMessage() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String[] err = new String[1];
            assertEquals(2, withStderr(err, () -> Main.run("dashboard", "--bootstrap", broker.bootstrapServers(),
                    "--topic", "no.such.topic", "--port", "0")));
            assertTrue(err[0].contains("metrics topic 'no.such.topic' does not exist on " + broker.bootstrapServers()),
                    err[0]);
            assertFalse(err[0].contains("\tat "), "no stack trace: " + err[0]);
            assertEquals(2, withStderr(err, () -> Main.run("dashboard", "--replay", "/definitely/not/here.jsonl")));
            assertTrue(err[0].contains("replay file /definitely/not/here.jsonl does not exist"), err[0]);
            assertEquals(0, Main.run("dashboard", "--help"));
            assertEquals(0, Main.run("demo", "--help"));
        }
    }

    private static int withStderr(String[] captured, java.util.function.IntSupplier run) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            return run.getAsInt();
        } finally {
            System.setErr(original);
            captured[0] = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
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
