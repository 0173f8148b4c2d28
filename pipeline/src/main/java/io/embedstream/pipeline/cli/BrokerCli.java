package io.embedstream.pipeline.cli;

import io.embedstream.connectors.kafka.BrokerCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedstream broker}: a real standalone Kafka broker (KRaft) on this machine. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Start a real single-node Kafka broker (KRaft) on this machine; runs until Ctrl-C.")
public final class BrokerCli implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "Client port; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--log-dir", description = "Data directory, kept and reused (default: a temporary one, deleted on exit).")
    Path logDir;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions of new topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--topics", defaultValue = "images,images.dlq,embedstream.models,embedstream.metrics",
            description = "Topics to create at start (default: ${DEFAULT-VALUE}).")
    String topics;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port),
                "--partitions", Integer.toString(partitions), "--topics", topics));
        if (logDir != null) {
            args.add("--log-dir");
            args.add(logDir.toString());
        }
        return BrokerCommand.run(args.toArray(new String[0]), System.out, System.err);
    }
}
