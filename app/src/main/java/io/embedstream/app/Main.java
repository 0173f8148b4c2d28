package io.embedstream.app;

import io.embedstream.broker.BrokerCommand;
import io.embedstream.experiments.cli.BenchCommand;
import io.embedstream.experiments.cli.EvalCommand;
import io.embedstream.experiments.cli.ExperimentCommand;
import io.embedstream.experiments.cli.ClassScalingBenchCommand;
import io.embedstream.experiments.cli.PipelineBenchCommand;
import io.embedstream.experiments.cli.SwapBenchCommand;
import io.embedstream.pipeline.cli.CommandRunner;
import io.embedstream.pipeline.cli.DashboardCommand;
import io.embedstream.pipeline.cli.DemoCommand;
import io.embedstream.pipeline.cli.EmbedCommand;
import io.embedstream.pipeline.cli.FitCommand;
import io.embedstream.pipeline.cli.KeygenCommand;
import io.embedstream.pipeline.cli.ProduceCommand;
import io.embedstream.pipeline.cli.TrainCommand;
import io.embedstream.pipeline.cli.WatchCommand;
import io.embedstream.pipeline.cli.AckDriftCommand;
import io.embedstream.pipeline.cli.RollbackCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code embedstream}: one entry point over the job's, the broker's and the experiments' commands. */
@Command(name = "embedstream", mixinStandardHelpOptions = true, version = "embedstream 0.1.0",
        description = "Streaming online learning of image embeddings, with collapse and drift monitoring.",
        subcommands = {DemoCommand.class, TrainCommand.class, ProduceCommand.class, BrokerCommand.class,
                FitCommand.class, EmbedCommand.class, WatchCommand.class, DashboardCommand.class, KeygenCommand.class,
                AckDriftCommand.class, RollbackCommand.class,
                EvalCommand.class, ExperimentCommand.class, BenchCommand.class, PipelineBenchCommand.class,
                SwapBenchCommand.class, ClassScalingBenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command and returns its exit code: 0 on success, 2 for bad input, 1 for other failures. */
    public static int run(String... args) {
        return CommandRunner.run(new Main(), args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
