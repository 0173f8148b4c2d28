package io.embedstream.pipeline.cli;

import io.embedstream.pipeline.config.KafkaSettings;
import io.embedstream.pipeline.types.ControlRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code embedstream ack-drift}: acknowledges a drift to the running job, which re-bases its drift reference: it
 * collects a new reference from the next input images, embeds it with the latest model version and calibrates its
 * drift detectors on it; drift alarms still raised are cleared with the acknowledgement as their reason.
 */
@Command(name = "ack-drift", mixinStandardHelpOptions = true,
        description = {"Acknowledge a drift: the running job re-bases its drift reference (a new reference from the next"
                + " input images, embedded by the latest model version, detectors calibrated on it) and clears the"
                + " drift alarms still raised.",
                "Writes one control record to the control topic (topics.control, default "
                        + KafkaSettings.DEFAULT_CONTROL_TOPIC + "), which the job's metrics operator reads."})
public final class AckDriftCommand implements Callable<Integer> {

    @Option(names = "--topic", description = "Control topic (default: topics.control of --config, else "
            + KafkaSettings.DEFAULT_CONTROL_TOPIC + ").")
    String topic;

    @Option(names = "--reason", description = "Why the drift is acknowledged; it becomes the reason of the cleared alarms.")
    String reason;

    @picocli.CommandLine.Mixin
    JobClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        String servers = cluster.bootstrapServers();
        String controlTopic = cluster.topic(topic, "topics.control", KafkaSettings.DEFAULT_CONTROL_TOPIC);
        Map<String, String> client = cluster.clientProperties();
        RecordMetadata sent = send(servers, client, controlTopic, ControlRecord.ackDrift(reason, System.currentTimeMillis()));
        System.out.println("drift acknowledged: control record at " + sent.topic() + "-" + sent.partition() + "@"
                + sent.offset() + "; the job re-bases its drift reference (see drift.reference.rebases on the metrics topic)");
        return 0;
    }

    /** Writes one control record and waits for the broker's acknowledgement. */
    public static RecordMetadata send(String bootstrapServers, Map<String, String> clientProperties, String topic,
                                      ControlRecord record) throws IOException {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("bootstrap.servers", bootstrapServers);
        p.put("acks", "all");
        p.put("max.block.ms", "20000");
        p.put("delivery.timeout.ms", "30000");
        p.put("request.timeout.ms", "20000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, "ack-drift".getBytes(StandardCharsets.UTF_8), record.toJson()))
                    .get(40, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("cannot write the control record to " + topic + " on " + bootstrapServers + ": " + e, e);
        }
    }
}
