package io.embedstream.pipeline.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Metrics records recorded from a real run ({@code bin/embedstream demo --images 8000 --set metrics.window-size=256},
 * then {@code kcat -C -e -q -X isolation.level=read_committed -t embedstream.metrics}): 32 windows, 8 model versions,
 * one VERSION_DRIFT alarm.
 */
final class RecordedMetrics {
    static final String RESOURCE = "/dashboard/metrics-demo.jsonl";

    private RecordedMetrics() {}

    static List<String> lines() {
        try (InputStream in = RecordedMetrics.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + RESOURCE + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes records to a topic in one Kafka transaction, as the job's exactly-once metrics sink does. */
    static void produce(String bootstrap, String topic, List<String> records) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("transactional.id", "dashboard-test-" + System.nanoTime());
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (String record : records) {
                producer.send(new ProducerRecord<>(topic, record.getBytes(StandardCharsets.UTF_8)));
            }
            producer.commitTransaction();
            producer.close(Duration.ofSeconds(10));
        }
    }
}
