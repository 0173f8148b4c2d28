package io.embedstream.pipeline.cli;

import io.embedstream.connectors.wire.WireFormatException;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the metrics topic (read committed) in the background and keeps the latest window record; each record's
 * bytes also go to a listener (the demo's dashboard).
 */
final class MetricsFollower implements AutoCloseable {
    private final AtomicReference<MetricsRecord> latest = new AtomicReference<>();
    private final AtomicInteger windows = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    MetricsFollower(String bootstrap, String topic, Map<String, String> clientProperties) {
        this(bootstrap, topic, clientProperties, value -> { });
    }

    MetricsFollower(String bootstrap, String topic, Map<String, String> clientProperties, Consumer<byte[]> listener) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "embedstream-follower-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.putAll(clientProperties);
        thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer =
                         new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topic));
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        listener.accept(r.value());
                        try {
                            latest.set(MetricsRecord.fromJson(r.value()));
                            windows.incrementAndGet();
                        } catch (WireFormatException e) {
                            // Not ours to judge: a foreign record on the topic is skipped.
                        }
                    }
                }
            }
        }, "metrics-follower");
        thread.setDaemon(true);
        thread.start();
    }

    MetricsRecord latest() {
        return latest.get();
    }

    int windows() {
        return windows.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
