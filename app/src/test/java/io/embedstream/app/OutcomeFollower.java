package io.embedstream.app;

import io.embedstream.connectors.wire.AuditRecord;
import io.embedstream.connectors.wire.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows a job's audit and dead-letter topics with read-committed isolation, on its own thread, and counts for
 * every input id how often it was committed as trained on, dropped, held out for the promotion gate or
 * dead-lettered (the dead letter's key is the input's id). Survives broker restarts: the consumer reconnects by itself.
 */
final class OutcomeFollower implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String auditTopic;
    private final Thread thread;
    private final Map<String, Integer> trained = new HashMap<>();
    private final Map<String, Integer> dropped = new HashMap<>();
    private final Map<String, Integer> heldOut = new HashMap<>();
    private final Map<String, Integer> deadLettered = new HashMap<>();
    private final Map<String, String> reasons = new HashMap<>();
    private final Map<String, String> labels = new HashMap<>();
    private volatile boolean running = true;

    OutcomeFollower(String bootstrap, String auditTopic, String deadLetterTopic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.auditTopic = auditTopic;
        // Assigned, not subscribed: a group member whose coordinator (the broker) restarts rejoins, loses its
        // in-memory positions and starts again from the earliest offset, which would count every id twice.
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(auditTopic, deadLetterTopic)) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::follow, "outcome-follower");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    record(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private synchronized void record(ConsumerRecord<byte[], byte[]> r) {
        if (!r.topic().equals(auditTopic)) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            deadLettered.merge(id, 1, Integer::sum);
            reasons.put(id, DeadLetters.fromConsumerRecord(r).error());
            return;
        }
        AuditRecord entry = AuditRecord.fromJson(r.value());
        Map<String, Integer> target = switch (entry.kind()) {
            case AuditRecord.DROPPED -> dropped;
            case AuditRecord.HELD_OUT -> heldOut;
            default -> trained;
        };
        entry.ids().forEach(id -> target.merge(id, 1, Integer::sum));
        for (int i = 0; i < entry.labels().size(); i++) {
            labels.put(entry.ids().get(i), entry.labels().get(i));
        }
    }

    /** Every outcome of every id so far: id to how often it was committed, whatever the outcome. */
    private Map<String, Integer> all() {
        Map<String, Integer> all = new HashMap<>(trained);
        for (Map<String, Integer> outcome : List.of(dropped, heldOut, deadLettered)) {
            outcome.forEach((k, v) -> all.merge(k, v, Integer::sum));
        }
        return all;
    }

    /** Distinct ids with any outcome so far. */
    synchronized int accounted() {
        return all().size();
    }

    synchronized Map<String, Integer> trained() {
        return new HashMap<>(trained);
    }

    synchronized Map<String, Integer> dropped() {
        return new HashMap<>(dropped);
    }

    synchronized Map<String, Integer> heldOut() {
        return new HashMap<>(heldOut);
    }

    /** The class name the audit topic gave each id (with {@code classes.names}; empty otherwise). */
    synchronized Map<String, String> labels() {
        return new HashMap<>(labels);
    }

    /** Each dead-lettered id's reason (the last one, were it dead-lettered twice). */
    synchronized Map<String, String> reasons() {
        return new HashMap<>(reasons);
    }

    synchronized Map<String, Integer> deadLettered() {
        return new HashMap<>(deadLettered);
    }

    /** Ids committed more than once across all four outcomes, with their counts (at most the first 20). */
    synchronized List<String> duplicates() {
        Map<String, Integer> all = all();
        List<String> twice = new ArrayList<>();
        all.forEach((id, n) -> {
            if (n > 1) {
                twice.add(id + " x" + n);
            }
        });
        return twice.size() <= 20 ? twice : List.of(twice.size() + " ids, e.g. " + twice.subList(0, 20));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
