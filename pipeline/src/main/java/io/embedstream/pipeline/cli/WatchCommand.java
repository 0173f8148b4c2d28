package io.embedstream.pipeline.cli;

import io.embedstream.connectors.wire.WireFormatException;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedstream watch}: the metrics topic as a refreshing table, alarms highlighted with their reasons. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Follow the metrics topic and show one row per window: step, model version, images/s, loss and"
                + " its terms, effective rank, norm-quality rank correlation, data-drift p-value and version drift"
                + " (CKA between consecutive versions), with active alarms highlighted and alarm events listed with"
                + " their reasons.",
                "On a terminal the table is redrawn in place (ANSI colors); otherwise one plain line per window."})
public final class WatchCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @picocli.CommandLine.Mixin
    KafkaClientOptions kafka;

    @Option(names = "--topic", defaultValue = "embedstream.metrics", description = "Metrics topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--history", defaultValue = "10", description = "Windows already on the topic to show first (default: ${DEFAULT-VALUE}).")
    int history;

    @Option(names = "--from-beginning", description = "Show every window on the topic, not just the last --history.")
    boolean fromBeginning;

    @Option(names = "--rows", defaultValue = "20", description = "Rows of the refreshing table (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--once", description = "Show what is on the topic now and exit.")
    boolean once;

    @Option(names = "--max-records", defaultValue = "0", description = "Exit after this many windows; 0 = follow until Ctrl-C (default: ${DEFAULT-VALUE}).")
    long maxRecords;

    @Option(names = "--color", defaultValue = "auto", description = "auto (when stdout is a terminal), always or never (default: ${DEFAULT-VALUE}).")
    String color;

    @Option(names = "--wait", defaultValue = "15", description = "Seconds to wait for Kafka (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    private static final String CLEAR = "\u001b[H\u001b[2J";
    private static final int EVENTS_SHOWN = 6;

    @Override
    public Integer call() throws Exception {
        if (history < 0 || rows < 1 || maxRecords < 0 || waitSeconds < 1) {
            throw new IllegalArgumentException("--history and --max-records must be >= 0, --rows and --wait >= 1");
        }
        boolean ansi = switch (color) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> System.console() != null;
            default -> throw new IllegalArgumentException("--color must be auto, always or never, got " + color);
        };
        PrintStream out = System.out;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
            consumer.assign(partitions);
            for (TopicPartition p : partitions) {
                consumer.seek(p, fromBeginning ? begins.get(p) : Math.max(begins.get(p), ends.get(p) - history));
            }
            return follow(consumer, partitions, ends, ansi, out);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IOException("cannot reach Kafka at " + bootstrap + " within " + waitSeconds + " s");
        }
    }

    private int follow(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                       Map<TopicPartition, Long> ends, boolean ansi, PrintStream out) {
        MetricsTable table = new MetricsTable(ansi);
        Deque<MetricsRecord> shown = new ArrayDeque<>();
        Deque<String> events = new ArrayDeque<>();
        long seen = 0;
        boolean headerPrinted = false;
        boolean caughtUp = false;
        while (true) {
            List<MetricsRecord> fresh = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                MetricsRecord window = parse(record);
                if (window != null && (maxRecords == 0 || seen < maxRecords)) {
                    fresh.add(window);
                    seen++;
                }
            }
            if (!caughtUp && reached(consumer, partitions, ends)) {
                caughtUp = true;
            }
            if (!fresh.isEmpty()) {
                for (MetricsRecord w : fresh) {
                    shown.addLast(w);
                    if (shown.size() > rows) {
                        shown.removeFirst();
                    }
                    for (String e : table.events(w)) {
                        events.addLast(e);
                        if (events.size() > EVENTS_SHOWN) {
                            events.removeFirst();
                        }
                    }
                }
                if (ansi) {
                    table.learnColumns(new ArrayList<>(shown));
                    out.print(CLEAR + table.screen(title(seen), new ArrayList<>(shown), new ArrayList<>(events)));
                } else {
                    if (!headerPrinted) {
                        table.learnColumns(fresh);
                        out.println(table.header());
                        headerPrinted = true;
                    }
                    for (MetricsRecord w : fresh) {
                        out.println(table.row(w));
                        table.events(w).forEach(out::println);
                    }
                }
                out.flush();
            }
            if (maxRecords > 0 && seen >= maxRecords) {
                return 0;
            }
            if (once && caughtUp) {
                if (seen == 0) {
                    out.println("no metrics windows on topic " + topic + " yet");
                }
                return 0;
            }
        }
    }

    private String title(long seen) {
        return "embedstream watch: " + topic + " on " + bootstrap + ", " + seen + " windows (Ctrl-C to stop)";
    }

    /** A window record, or null, said on stderr, for anything else on the topic. */
    private static MetricsRecord parse(ConsumerRecord<byte[], byte[]> record) {
        try {
            return MetricsRecord.fromJson(record.value());
        } catch (WireFormatException e) {
            System.err.println("skipped " + record.topic() + "-" + record.partition() + "@" + record.offset() + ": "
                    + e.getMessage());
            return null;
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                   Map<TopicPartition, Long> ends) {
        for (TopicPartition p : partitions) {
            if (consumer.position(p) < ends.get(p)) {
                return false;
            }
        }
        return true;
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        Map<String, List<PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(waitSeconds));
        List<PartitionInfo> infos = topics.get(topic);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic '" + topic + "' does not exist on " + bootstrap
                    + " (the training job writes it; topics.metrics names it)");
        }
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private KafkaConsumer<byte[], byte[]> consumer() throws IOException {
        Properties p = new Properties();
        p.putAll(kafka.properties());
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("allow.auto.create.topics", "false");
        p.put("client.id", "embedstream-watch");
        p.put("default.api.timeout.ms", Integer.toString(waitSeconds * 1000));
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
