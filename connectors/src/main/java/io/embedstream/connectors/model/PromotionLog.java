package io.embedstream.connectors.model;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the models topic says about promotion, read from its beginning to its end ({@code read_committed}): every
 * decision in order, the versions promoted, and the version users get now. Manifests without a status (written
 * before the gate) count as promoted when published. Chunks are skipped by their header, not assembled.
 *
 * @param decisions the decision records, in topic order
 * @param promoted  every promoted version, in the order it was promoted
 * @param serving   the version subscribers serve now (-1: none)
 */
public record PromotionLog(List<PromotionRecord> decisions, Set<Long> promoted, long serving) {
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");

    /** Reads the whole topic; {@code clientProperties} are added to the consumer's (security settings...). */
    public static PromotionLog read(String bootstrapServers, String topic, Map<String, String> clientProperties,
                                    Duration timeout) {
        Map<String, Object> props = new LinkedHashMap<>(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            var infos = consumer.listTopics(timeout).get(topic);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist on " + bootstrapServers);
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<PromotionRecord> decisions = new ArrayList<>();
            Set<Long> promoted = new LinkedHashSet<>();
            long serving = -1;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("reading " + topic + " took longer than "
                            + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (PromotionRecord.isDecision(r.headers())) {
                        PromotionRecord d = PromotionRecord.fromBytes(r.value());
                        decisions.add(d);
                        if (d.kind() == PromotionRecord.Kind.PROMOTE) {
                            promoted.add(d.version());
                        }
                        serving = d.serving();
                    } else if (isManifest(r) && r.key() != null
                            && DECIMAL.matcher(new String(r.key(), StandardCharsets.UTF_8)).matches()) {
                        ModelManifest manifest;
                        try {
                            manifest = ModelManifestJson.fromBytes(r.value());
                        } catch (ModelFormatException e) {
                            continue; // subscribers refuse it; it was never served
                        }
                        if (!PromotionRecord.isCandidate(manifest)) {
                            promoted.add(manifest.version());
                            serving = Math.max(serving, manifest.version());
                        }
                    }
                }
            }
            return new PromotionLog(List.copyOf(decisions), Set.copyOf(promoted), serving);
        }
    }

    private static boolean isManifest(ConsumerRecord<byte[], byte[]> r) {
        Header type = r.headers().lastHeader(ModelTopic.TYPE);
        return type != null && ModelTopic.TYPE_MANIFEST.equals(new String(type.value(), StandardCharsets.UTF_8));
    }

    /**
     * Why a rollback to {@code version} is refused, or null when it is allowed: it must be a promoted version older
     * than the serving one.
     */
    public String refusal(long version) {
        if (serving < 0) {
            return "no version is promoted on this topic yet, so there is nothing to roll back from";
        }
        if (!promoted.contains(version)) {
            return "version " + version + " was never promoted (promoted versions: " + promoted.stream().sorted()
                    .toList() + "); subscribers only serve promoted versions";
        }
        if (version >= serving) {
            return "version " + version + " is not earlier than the serving version " + serving
                    + "; a rollback goes back to an earlier promoted version";
        }
        return null;
    }
}
