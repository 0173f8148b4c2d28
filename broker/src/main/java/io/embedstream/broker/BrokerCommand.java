package io.embedstream.broker;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code embedstream broker}: runs an {@link EmbeddedKafkaBroker} as a standalone process until Ctrl-C, and prints
 * {@code bootstrap.servers=host:port} on stdout once the broker accepts clients (bin/cluster waits for that line).
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Start a real single-node Kafka broker (KRaft) on this machine; runs until Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {

    /** Topics created at startup unless {@code --topics} says otherwise. */
    public static final String DEFAULT_TOPICS = "images,images.dlq,embedstream.models,embedstream.metrics";

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9092",
            description = "Client port; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--log-dir",
            description = "Data directory, kept and reused (default: a temporary one, deleted on exit).")
    Path logDir;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions of new topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--topics", defaultValue = DEFAULT_TOPICS,
            description = "Topics to create at start, comma-separated; empty for none (default: ${DEFAULT-VALUE}).")
    String topics;

    /** The topics to create, trimmed, without empty names. */
    public List<String> topicList() {
        return Arrays.stream(topics.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    /**
     * The broker these options describe, not yet started.
     *
     * @throws ParameterException naming the option when a value is out of range
     */
    public EmbeddedKafkaBroker toBroker() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be in [0, 65535], got " + port);
        }
        if (partitions < 1) {
            throw new ParameterException(spec.commandLine(), "--partitions must be >= 1, got " + partitions);
        }
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().port(port).partitions(partitions);
        if (logDir != null) {
            builder.logDir(logDir);
        }
        return builder.build();
    }

    /**
     * Starts the broker, prints its address and blocks until the JVM is asked to stop (Ctrl-C / SIGTERM), then shuts
     * the broker down cleanly.
     *
     * @return 0 after a clean shutdown, 1 if the broker failed to start (bad options exit with 2, through picocli)
     */
    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaBroker broker = toBroker();
        PrintWriter out = spec.commandLine().getOut();
        List<String> created = topicList();
        try {
            broker.start();
            if (!created.isEmpty()) {
                broker.createTopics(created.toArray(String[]::new));
            }
        } catch (RuntimeException e) {
            broker.close();
            spec.commandLine().getErr().println("embedstream broker: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "embedstream-broker-shutdown"));
        out.println("bootstrap.servers=" + broker.bootstrapServers());
        out.println("log.dir=" + broker.logDir());
        out.println("topics=" + String.join(",", created));
        out.println("Kafka is running; press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }
}
