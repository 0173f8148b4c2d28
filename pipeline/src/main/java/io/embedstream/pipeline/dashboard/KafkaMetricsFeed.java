package io.embedstream.pipeline.dashboard;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the metrics topic from its beginning into a {@link MetricsHistory}, in a background thread. It reads with
 * {@code read_committed}, as the job writes its metrics in Kafka transactions: the page shows only windows of completed
 * checkpoints. It reads all partitions by assignment, without a consumer group, so it commits nothing and disturbs no
 * group; new partitions added while it runs are not followed (the job writes metrics from one operator).
 */
public final class KafkaMetricsFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaMetricsFeed.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicLong records = new AtomicLong();
    private volatile boolean running = true;

    private KafkaMetricsFeed(KafkaConsumer<byte[], byte[]> consumer, MetricsHistory history) {
        this.consumer = consumer;
        this.thread = new Thread(() -> follow(history), "dashboard-kafka-feed");
        thread.setDaemon(true);
    }

    /**
     * Checks that the topic exists, then starts following it.
     *
     * @param clientProperties passed to the Kafka clients (security settings, for example)
     * @param timeout          how long to wait for the cluster to answer
     * @throws IllegalArgumentException when the topic does not exist
     * @throws IOException              when the cluster does not answer within {@code timeout}
     */
    public static KafkaMetricsFeed start(String bootstrap, String topic, Map<String, String> clientProperties,
                                         MetricsHistory history, Duration timeout) throws IOException {
        int partitions = partitions(bootstrap, topic, clientProperties, timeout);
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Reading must never create the topic it reads.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "embedstream-dashboard");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> assigned = java.util.stream.IntStream.range(0, partitions)
                .mapToObj(i -> new TopicPartition(topic, i)).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        KafkaMetricsFeed feed = new KafkaMetricsFeed(consumer, history);
        feed.thread.start();
        return feed;
    }

    public static KafkaMetricsFeed start(String bootstrap, String topic, Map<String, String> clientProperties,
                                         MetricsHistory history) throws IOException {
        return start(bootstrap, topic, clientProperties, history, Duration.ofSeconds(15));
    }

    private static int partitions(String bootstrap, String topic, Map<String, String> clientProperties,
                                  Duration timeout) throws IOException {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
        try (Admin admin = Admin.create(p)) {
            var names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!names.contains(topic)) {
                throw new IllegalArgumentException("metrics topic '" + topic + "' does not exist on " + bootstrap
                        + " (is the job running? it creates it; or name the topic with --topic)");
            }
            return admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic).partitions().size();
        } catch (TimeoutException e) {
            throw new IOException("Kafka at " + bootstrap + " did not answer within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new IOException("Kafka at " + bootstrap + " did not answer within " + timeout.toSeconds() + " s");
            }
            throw new IOException("cannot read the topics of Kafka at " + bootstrap + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while contacting Kafka at " + bootstrap, e);
        }
    }

    private void follow(MetricsHistory history) {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records.incrementAndGet();
                    history.add(r.value());
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (RuntimeException e) {
            LOG.error("the dashboard stopped following the metrics topic: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Records read from the topic so far (including any that were not metrics windows). */
    public long records() {
        return records.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
