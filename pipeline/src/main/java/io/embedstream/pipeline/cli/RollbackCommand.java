package io.embedstream.pipeline.cli;

import io.embedstream.connectors.model.ModelPublisher;
import io.embedstream.connectors.model.ModelTopic;
import io.embedstream.connectors.model.PromotionLog;
import io.embedstream.connectors.model.PromotionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code embedstream rollback --to V}: makes subscribers swap back to V, an earlier promoted version, by committing a
 * rollback record ({@link PromotionRecord}) to the models topic with a transactional producer.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Roll subscribers back to an earlier promoted model version.",
                "Reads the models topic's decisions, checks that the version was promoted and is older than the one"
                        + " served, and commits a rollback record; subscribers swap back to it (version numbers still"
                        + " only increase: the next promoted version replaces it)."})
public final class RollbackCommand implements Callable<Integer> {

    @Option(names = "--to", required = true, description = "The earlier promoted version to serve.")
    long version;

    @Option(names = "--reason", defaultValue = "operator rollback", description = "Why (default: ${DEFAULT-VALUE}).")
    String reason;

    @Option(names = "--topic", description = "Models topic (default: topics.models of --config, else "
            + ModelTopic.DEFAULT_TOPIC + ").")
    String topic;

    @Option(names = "--wait", defaultValue = "30", description = "Seconds to wait for Kafka (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @picocli.CommandLine.Mixin
    JobClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        String servers = cluster.bootstrapServers();
        String models = cluster.topic(topic, "topics.models", ModelTopic.DEFAULT_TOPIC);
        Map<String, String> client = cluster.clientProperties();
        PromotionLog log;
        try {
            log = PromotionLog.read(servers, models, client, Duration.ofSeconds(Math.max(1, waitSeconds)));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new java.io.IOException("cannot read topic " + models + " on " + servers + " within " + waitSeconds
                    + " s: " + e.getMessage());
        }
        String refusal = log.refusal(version);
        if (refusal != null) {
            throw new IllegalArgumentException("cannot roll back to version " + version + ": " + refusal);
        }
        Instant committed = write(servers, models, client, PromotionRecord.rollback(version, reason, Instant.now()));
        System.out.println("rolled back to version " + version + " (was serving " + log.serving() + "): rollback record"
                + " committed to " + models + " at " + committed);
        return 0;
    }

    /** Commits one rollback record in a transaction of its own; returns when the commit returned. */
    public static Instant write(String servers, String topic, Map<String, String> clientProperties,
                                PromotionRecord rollback) {
        ModelPublisher.Builder builder = ModelPublisher.builder().bootstrapServers(servers).topic(topic)
                .transactionalId("embedstream-rollback-" + UUID.randomUUID());
        clientProperties.forEach(builder::clientProperty);
        try (ModelPublisher publisher = builder.build()) {
            publisher.decide(rollback);
            return Instant.now();
        }
    }
}
