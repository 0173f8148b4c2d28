package io.embedstream.pipeline.cli;

import io.embedstream.pipeline.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command that talks to a running job's cluster finds it: {@code --bootstrap}, else the job's own properties
 * file ({@code --config}), else localhost; the client settings of that file, then {@code -X}/{@code --kafka-config}.
 * One place, so that {@code rollback}, {@code ack-drift} and {@code dashboard} resolve a setting the same way.
 */
public final class JobClusterOptions {
    static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: kafka.bootstrap.servers of --config,"
            + " else " + DEFAULT_BOOTSTRAP + ").")
    String bootstrap;

    @Option(names = "--config", description = "The job's properties file: kafka.bootstrap.servers, topics.* and"
            + " kafka.client.* are read from it, other keys are ignored (default: none).")
    Path configFile;

    @Mixin
    KafkaClientOptions kafka;

    private Properties config;

    /** The job's properties, read once. */
    private Properties config() throws IOException {
        if (config == null) {
            config = PipelineConfig.load(configFile);
        }
        return config;
    }

    public String bootstrapServers() throws IOException {
        return bootstrap != null ? bootstrap : config().getProperty("kafka.bootstrap.servers", DEFAULT_BOOTSTRAP);
    }

    /** A topic: the command's own option when given, else the job's {@code key}, else {@code fallback}. */
    public String topic(String option, String key, String fallback) throws IOException {
        return option != null ? option : config().getProperty(key, fallback);
    }

    /** Client settings: the job's {@code kafka.client.*}, overridden by {@code --kafka-config} and {@code -X}. */
    public Map<String, String> clientProperties() throws IOException {
        Map<String, String> client = PipelineConfig.kafkaClientProperties(config());
        client.putAll(kafka.properties());
        return client;
    }
}
