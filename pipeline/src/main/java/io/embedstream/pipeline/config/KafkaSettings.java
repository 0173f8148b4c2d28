package io.embedstream.pipeline.config;

import java.io.Serializable;
import java.util.Map;
import java.util.Properties;

/**
 * Where the job reads and writes. Defaults: localhost:9092, topics {@code images}, {@code images.dlq},
 * {@code embedstream.models}, {@code embedstream.metrics}, consumer group {@code embedstream}, reading the input
 * from the earliest offset when the group has none. {@code clientProperties} go to every Kafka client (security
 * settings, for example). {@code auditTopic} (null = off, the default) receives which image ids were trained on and
 * which were dropped (see {@code AuditRecords}). {@code controlTopic} (default {@value #DEFAULT_CONTROL_TOPIC}) carries
 * commands to the running job, such as {@code embedstream ack-drift}; it need not exist until the first command.
 */
public record KafkaSettings(String bootstrapServers, String imagesTopic, String deadLetterTopic, String modelsTopic,
                            String metricsTopic, String groupId, Map<String, String> clientProperties,
                            String auditTopic, String controlTopic) implements Serializable {
    public static final String DEFAULT_CONTROL_TOPIC = "embedstream.control";

    public KafkaSettings {
        if (controlTopic == null || controlTopic.isBlank()) {
            controlTopic = DEFAULT_CONTROL_TOPIC;
        }
        clientProperties = Map.copyOf(clientProperties);
        for (String topic : new String[] {imagesTopic, deadLetterTopic, modelsTopic, metricsTopic}) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("topic names must not be empty");
            }
        }
        if (auditTopic != null && auditTopic.isBlank()) {
            auditTopic = null;
        }
    }

    /** The default control topic. */
    public KafkaSettings(String bootstrapServers, String imagesTopic, String deadLetterTopic, String modelsTopic,
                         String metricsTopic, String groupId, Map<String, String> clientProperties, String auditTopic) {
        this(bootstrapServers, imagesTopic, deadLetterTopic, modelsTopic, metricsTopic, groupId, clientProperties,
                auditTopic, DEFAULT_CONTROL_TOPIC);
    }

    /** No audit topic. */
    public KafkaSettings(String bootstrapServers, String imagesTopic, String deadLetterTopic, String modelsTopic,
                         String metricsTopic, String groupId, Map<String, String> clientProperties) {
        this(bootstrapServers, imagesTopic, deadLetterTopic, modelsTopic, metricsTopic, groupId, clientProperties,
                null);
    }

    public static KafkaSettings defaults() {
        return new KafkaSettings("localhost:9092", "images", "images.dlq", "embedstream.models",
                "embedstream.metrics", "embedstream", Map.of());
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, imagesTopic, deadLetterTopic, modelsTopic, metricsTopic, groupId,
                clientProperties, auditTopic, controlTopic);
    }

    /** The same settings with another consumer group, which also names the sinks' transactional ids. */
    public KafkaSettings withGroupId(String group) {
        return new KafkaSettings(bootstrapServers, imagesTopic, deadLetterTopic, modelsTopic, metricsTopic, group,
                clientProperties, auditTopic, controlTopic);
    }

    /** These settings with {@code properties} as the settings of every Kafka client (replacing the current ones). */
    public KafkaSettings withClientProperties(Map<String, String> properties) {
        return new KafkaSettings(bootstrapServers, imagesTopic, deadLetterTopic, modelsTopic, metricsTopic, groupId,
                properties, auditTopic, controlTopic);
    }

    /** These settings with the audit topic {@code topic} (null or blank = off). */
    public KafkaSettings withAuditTopic(String topic) {
        return new KafkaSettings(bootstrapServers, imagesTopic, deadLetterTopic, modelsTopic, metricsTopic, groupId,
                clientProperties, topic, controlTopic);
    }

    public Properties clientProperties(Properties base) {
        Properties p = new Properties();
        p.putAll(base);
        p.putAll(clientProperties);
        return p;
    }
}
