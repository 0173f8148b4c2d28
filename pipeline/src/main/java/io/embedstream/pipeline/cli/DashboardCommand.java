package io.embedstream.pipeline.cli;

import io.embedstream.pipeline.dashboard.DashboardServer;
import io.embedstream.pipeline.dashboard.KafkaMetricsFeed;
import io.embedstream.pipeline.dashboard.MetricsHistory;
import io.embedstream.pipeline.dashboard.ReplayFeed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code embedstream dashboard}: a web page with live charts of the metrics topic (or of a recorded file of its
 * records), until Ctrl-C.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Serve a web page with live charts of the metrics topic (loss, collapse, spectrum, norm vs"
                + " quality, separation, data and model-version drift, versions, alarms) until Ctrl-C. A browser"
                + " gets the history so far, then each new window as it is published.")
public final class DashboardCommand implements Callable<Integer> {
    static final String DEFAULT_TOPIC = "embedstream.metrics";

    @picocli.CommandLine.Mixin
    JobClusterOptions cluster;

    @Option(names = "--topic", description = "Metrics topic (default: topics.metrics of --config, else " + DEFAULT_TOPIC + ").")
    String topic;

    @Option(names = "--replay", paramLabel = "FILE", description = "Play a recorded file of metrics records (one JSON"
            + " record per line) instead of reading Kafka (default: read Kafka).")
    Path replay;

    @Option(names = "--replay-interval-ms", defaultValue = "200",
            description = "Pause between replayed records; 0 = all at once (default: ${DEFAULT-VALUE}).")
    long replayIntervalMs;

    @Option(names = "--port", defaultValue = "8090", description = "HTTP port; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Interface to listen on; 0.0.0.0 serves other machines too (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--history", defaultValue = "20000",
            description = "Window records kept for new browsers; the oldest go first (default: ${DEFAULT-VALUE}).")
    int historyCapacity;

    @Option(names = "--kafka-timeout-s", defaultValue = "15",
            description = "How long to wait for Kafka to answer at start (default: ${DEFAULT-VALUE}).")
    int kafkaTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        MetricsHistory history = new MetricsHistory(historyCapacity);
        String source;
        AutoCloseable feed;
        if (replay != null) {
            if (replayIntervalMs < 0) {
                throw new IllegalArgumentException("--replay-interval-ms must not be negative");
            }
            feed = ReplayFeed.start(replay, Duration.ofMillis(replayIntervalMs), history);
            source = "replay of " + replay.getFileName();
        } else {
            String servers = cluster.bootstrapServers();
            String metricsTopic = cluster.topic(topic, "topics.metrics", DEFAULT_TOPIC);
            Map<String, String> client = cluster.clientProperties();
            feed = KafkaMetricsFeed.start(servers, metricsTopic, client, history,
                    Duration.ofSeconds(kafkaTimeoutSeconds));
            source = "topic " + metricsTopic + " on " + servers;
        }
        try (ShutdownLatch stop = new ShutdownLatch();
             AutoCloseable feedToClose = feed;
             DashboardServer server = DashboardServer.builder().history(history).host(host).port(port).source(source)
                     .build().start()) {
            System.out.println("dashboard: " + server.url() + " (" + source + "); Ctrl-C stops it");
            stop.await();
        }
        return 0;
    }
}
