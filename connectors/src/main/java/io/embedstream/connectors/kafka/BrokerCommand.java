package io.embedstream.connectors.kafka;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code embedstream broker}: runs an {@link EmbeddedKafkaBroker} as a standalone process until Ctrl-C.
 *
 * <p>Options: {@code --port N} (default 9092; 0 = any free port), {@code --log-dir DIR} (default: a temporary
 * directory deleted on exit; a given directory is kept and reused), {@code --partitions N} (default 1),
 * {@code --topics a,b} (created at startup; default {@code images,images.dlq,embedstream.models}).
 * Prints {@code bootstrap.servers=host:port} on stdout once the broker accepts clients.
 */
public final class BrokerCommand {

    /** Topics created at startup unless {@code --topics} says otherwise. */
    public static final List<String> DEFAULT_TOPICS = List.of("images", "images.dlq", "embedstream.models");

    private BrokerCommand() {
    }

    public static void main(String[] args) throws InterruptedException {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Parses {@code args}, starts the broker, prints its address and blocks until the JVM is asked to stop.
     *
     * @return process exit status: 0 after a clean shutdown, 2 for bad arguments, 1 if the broker failed to start
     */
    public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().port(9092);
        List<String> topics = DEFAULT_TOPICS;
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                switch (option) {
                    case "--port" -> builder.port(Integer.parseInt(value(args, ++i, option)));
                    case "--log-dir" -> builder.logDir(Path.of(value(args, ++i, option)));
                    case "--partitions" -> builder.partitions(Integer.parseInt(value(args, ++i, option)));
                    case "--topics" -> topics = List.of(value(args, ++i, option).split(","));
                    case "-h", "--help" -> {
                        out.println(usage());
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + option + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("embedstream broker: " + e.getMessage());
            err.println(usage());
            return 2;
        }

        EmbeddedKafkaBroker broker;
        try {
            broker = builder.build().start();
            if (!topics.isEmpty() && !(topics.size() == 1 && topics.get(0).isBlank())) {
                broker.createTopics(topics.toArray(String[]::new));
            }
        } catch (RuntimeException e) {
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
        out.println("topics=" + String.join(",", topics));
        out.println("Kafka is running; press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    /** One-paragraph usage text. */
    public static String usage() {
        return "usage: embedstream broker [--port N (default 9092, 0 = free port)] [--log-dir DIR (default: temporary)]"
                + " [--partitions N (default 1)] [--topics a,b,c (default " + String.join(",", DEFAULT_TOPICS) + ")]";
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return args[index];
    }
}
