package io.embedstream.connectors.kafka;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code embedstream broker}: runs an {@link EmbeddedKafkaBroker} as a standalone process until Ctrl-C.
 *
 * <p>Options: {@code --port N} (default 9092; 0 = any free port), {@code --log-dir DIR} (default: a temporary
 * directory deleted on exit; a given directory is kept and reused), {@code --partitions N} (default 1),
 * {@code --topics a,b} (created at startup; default {@code images,images.dlq,embedstream.models}; empty string for
 * none). Prints {@code bootstrap.servers=host:port} on stdout once the broker accepts clients.
 */
public final class BrokerCommand {

    /** Topics created at startup unless {@code --topics} says otherwise. */
    public static final List<String> DEFAULT_TOPICS = List.of("images", "images.dlq", "embedstream.models");
    /** Client port unless {@code --port} says otherwise: Kafka's usual port. */
    public static final int DEFAULT_PORT = 9092;

    private BrokerCommand() {
    }

    /**
     * Parsed command line.
     *
     * @param port       client port, 0 = free port
     * @param logDir     log directory, empty = temporary
     * @param partitions default partitions of new topics
     * @param topics     topics to create at startup
     */
    public record Options(int port, Optional<Path> logDir, int partitions, List<String> topics) {

        /** The broker these options describe, not yet started. */
        public EmbeddedKafkaBroker toBroker() {
            EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().port(port).partitions(partitions);
            logDir.ifPresent(builder::logDir);
            return builder.build();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Parses {@code args}.
     *
     * @throws IllegalArgumentException with a message for the user on bad arguments
     */
    public static Options parse(String[] args) {
        int port = DEFAULT_PORT;
        Path logDir = null;
        int partitions = 1;
        List<String> topics = DEFAULT_TOPICS;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--port" -> port = parseInt(value(args, ++i, option), option);
                case "--log-dir" -> logDir = Path.of(value(args, ++i, option));
                case "--partitions" -> partitions = parseInt(value(args, ++i, option), option);
                case "--topics" -> topics = Arrays.stream(value(args, ++i, option).split(","))
                        .map(String::trim).filter(t -> !t.isEmpty()).toList();
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
        }
        return new Options(port, Optional.ofNullable(logDir), partitions, topics);
    }

    /**
     * Parses {@code args}, starts the broker, prints its address and blocks until the JVM is asked to stop
     * (Ctrl-C / SIGTERM), then shuts the broker down cleanly.
     *
     * @return process exit status: 0 after a clean shutdown or {@code --help}, 2 for bad arguments, 1 if the
     *         broker failed to start
     */
    public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.println(usage());
            return 0;
        }
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("embedstream broker: " + e.getMessage());
            err.println(usage());
            return 2;
        }
        EmbeddedKafkaBroker broker = options.toBroker();
        try {
            broker.start();
            if (!options.topics().isEmpty()) {
                broker.createTopics(options.topics().toArray(String[]::new));
            }
        } catch (RuntimeException e) {
            broker.close();
            err.println("embedstream broker: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "embedstream-broker-shutdown"));
        out.println("bootstrap.servers=" + broker.bootstrapServers());
        out.println("log.dir=" + broker.logDir());
        out.println("topics=" + String.join(",", options.topics()));
        out.println("Kafka is running; press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    /** Usage text. */
    public static String usage() {
        return "usage: embedstream broker [--port N (default " + DEFAULT_PORT + ", 0 = free port)]"
                + " [--log-dir DIR (default: temporary, deleted on exit)] [--partitions N (default 1)]"
                + " [--topics a,b,c (default " + String.join(",", DEFAULT_TOPICS) + ")]";
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return args[index];
    }

    private static int parseInt(String text, String option) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a decimal integer, got '" + text + "'");
        }
    }
}
