package io.embedstream.pipeline.cli;

import io.embedstream.connectors.kafka.KafkaPreflight;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Kafka client settings shared by every command that talks to a cluster: security (SASL, TLS) and any other client
 * property, given as {@code -X key=value} (as kcat does) or in a properties file. They reach every client the
 * command creates: the job's source and sinks, producers, consumers, the model subscriber.
 */
public final class KafkaClientOptions {

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "Kafka client setting for every client, e.g. -X security.protocol=SASL_SSL (repeatable).")
    List<String> properties = new ArrayList<>();

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Properties file of Kafka client settings (security.protocol, sasl.*, ssl.*); -X wins.")
    Path file;

    /** The settings, file first, then {@code -X} in order. */
    public Map<String, String> properties() throws IOException {
        Map<String, String> result = new LinkedHashMap<>();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("Kafka client config file " + file + " does not exist");
            }
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                p.load(reader);
            }
            p.stringPropertyNames().forEach(k -> result.put(k, p.getProperty(k).trim()));
        }
        for (String property : properties) {
            int eq = property.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("-X expects KEY=VALUE, got '" + property + "'");
            }
            result.put(property.substring(0, eq).trim(), property.substring(eq + 1).trim());
        }
        return result;
    }

    /**
     * Fails fast, with a sentence that names the cause, when the cluster cannot be reached with these settings.
     *
     * @throws IOException no answer in time, credentials refused, TLS handshake failed
     */
    public void check(String bootstrapServers) throws IOException {
        KafkaPreflight.check(bootstrapServers, properties(), Duration.ofSeconds(20));
    }
}
