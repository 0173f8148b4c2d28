package io.embedstream.connectors.dataset;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.embedstream.connectors.wire.ImageHeaders;
import io.embedstream.connectors.wire.ImageRecord;
import io.embedstream.connectors.wire.ImageRecordEncoder;
import io.embedstream.types.LabeledImage;

/**
 * Sends labeled images to the image input topic in the wire format of {@link ImageRecordEncoder}, optionally
 * rate-limited, and reports progress and counts.
 *
 * <pre>{@code
 * try (DatasetProducer producer = DatasetProducer.builder().bootstrapServers("localhost:9092").rateLimit(500).build()) {
 *     SendSummary summary = producer.send(images, (submitted, acked, failed) -> log(...));
 * }
 * }</pre>
 *
 * <p>Producer defaults: {@code acks=all}, idempotence on, {@code linger.ms=5}, no compression (PNG is already
 * compressed); {@link Builder#clientProperty} overrides any of them. Not thread-safe: one {@code send} at a time.
 */
public final class DatasetProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetProducer.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final double rateLimit;
    private final ImageRecordEncoder encoder;
    private final long progressEvery;

    private DatasetProducer(Builder b) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "embedstream-dataset-producer");
        props.putAll(b.clientProperties);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
        this.topic = b.topic;
        this.rateLimit = b.rateLimit;
        this.encoder = b.encoder;
        this.progressEvery = b.progressEvery;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Sends all images; equivalent to {@code send(images, SendProgress.NONE)}. */
    public SendSummary send(Iterator<LabeledImage> images) {
        return send(images, SendProgress.NONE);
    }

    /**
     * Sends every image of the iterator, waits until all are acknowledged or failed, and returns the counts.
     * Individual send failures are counted (and the first one logged), not thrown, so one bad image does not
     * lose the rest.
     */
    public SendSummary send(Iterator<LabeledImage> images, SendProgress progress) {
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long submitted = 0;
        long startNanos = System.nanoTime();
        while (images.hasNext()) {
            LabeledImage image = images.next();
            if (rateLimit > 0) {
                // Paced against the start time, not the previous send, so pauses do not accumulate drift.
                long due = startNanos + (long) (submitted * 1e9 / rateLimit);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            ImageRecord record = encoder.encode(image);
            int valueBytes = record.value().length;
            producer.send(record.toProducerRecord(topic), (metadata, exception) -> {
                if (exception == null) {
                    acknowledged.incrementAndGet();
                    bytes.addAndGet(valueBytes);
                } else {
                    failed.incrementAndGet();
                    if (firstFailure.compareAndSet(null, exception)) {
                        LOG.warn("sending image {} to {} failed: {}", image.id(), topic, exception.toString());
                    }
                }
            });
            submitted++;
            if (submitted % progressEvery == 0) {
                progress.onProgress(submitted, acknowledged.get(), failed.get());
            }
        }
        producer.flush();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        progress.onProgress(submitted, acknowledged.get(), failed.get());
        return new SendSummary(acknowledged.get(), failed.get(), bytes.get(), elapsed);
    }

    /** Flushes and closes the underlying Kafka producer (waiting up to 30 s). */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }

    /** Settings of a {@link DatasetProducer}. Only {@link #bootstrapServers(String)} is required. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic = ImageHeaders.DEFAULT_TOPIC;
        private double rateLimit;
        private ImageRecordEncoder encoder = ImageRecordEncoder.png();
        private long progressEvery = 1000;
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Kafka {@code bootstrap.servers}. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** Target topic. Default {@value ImageHeaders#DEFAULT_TOPIC}. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** Maximum images per second; 0 = unlimited. Default 0. */
        public Builder rateLimit(double imagesPerSecond) {
            if (imagesPerSecond < 0 || Double.isNaN(imagesPerSecond)) {
                throw new IllegalArgumentException("rate limit must be >= 0, got " + imagesPerSecond);
            }
            this.rateLimit = imagesPerSecond;
            return this;
        }

        /** Value encoding. Default {@link ImageRecordEncoder#png()}. */
        public Builder encoder(ImageRecordEncoder encoder) {
            this.encoder = Objects.requireNonNull(encoder, "encoder");
            return this;
        }

        /** Progress callback interval in images. Default 1000. */
        public Builder progressEvery(long images) {
            if (images <= 0) {
                throw new IllegalArgumentException("progress interval must be > 0, got " + images);
            }
            this.progressEvery = images;
            return this;
        }

        /**
         * One Kafka producer property, overriding the defaults (serializers are always byte arrays).
         * Default none.
         */
        public Builder clientProperty(String name, Object value) {
            clientProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Several producer property overrides; see {@link #clientProperty(String, Object)}. */
        public Builder clientProperties(Map<String, ?> overrides) {
            overrides.forEach(this::clientProperty);
            return this;
        }

        /** Creates the Kafka producer; the caller closes the result. */
        public DatasetProducer build() {
            if (bootstrapServers == null) {
                throw new IllegalStateException("bootstrapServers is required");
            }
            return new DatasetProducer(this);
        }
    }
}
