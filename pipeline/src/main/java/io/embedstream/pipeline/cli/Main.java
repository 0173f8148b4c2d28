package io.embedstream.pipeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code embedstream} command line. */
@Command(name = "embedstream", mixinStandardHelpOptions = true, version = "embedstream 0.1.0",
        description = "Streaming online learning of image embeddings, with collapse and drift monitoring.",
        subcommands = {DemoCommand.class, TrainCommand.class, ProduceCommand.class, BrokerCli.class, FitCommand.class,
                EvalCommand.class, ExperimentCommand.class,
                BenchCommand.class, PipelineBenchCommand.class, EmbedCommand.class, WatchCommand.class,
                KeygenCommand.class, SwapBenchCommand.class, DashboardCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command and returns its exit code: 0 on success, 2 for bad input, 1 for other failures. */
    public static int run(String... args) {
        // DJL must not reach the network unless asked to (a -Pcuda build may fetch its CUDA library once).
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.setProperty("java.awt.headless", "true");
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(Main::handleError)
                .execute(args);
    }

    /** Bad input from the user is an error message, not a stack trace. */
    private static int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
            return 2;
        }
        cmd.getErr().println(cmd.getColorScheme().stackTraceText(e));
        return 1;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
