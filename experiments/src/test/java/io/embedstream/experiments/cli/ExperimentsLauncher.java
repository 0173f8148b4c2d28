package io.embedstream.experiments.cli;

import io.embedstream.pipeline.cli.CommandRunner;
import picocli.CommandLine.Command;

/** The experiments' commands under one root, run as the {@code embedstream} launcher runs them, for tests. */
@Command(name = "embedstream", subcommands = {ExperimentCommand.class, EvalCommand.class, ClassScalingBenchCommand.class})
final class ExperimentsLauncher {

    /** Runs one command: 0 on success, 2 for bad input, 1 for other failures. */
    static int run(String... args) {
        return CommandRunner.run(new ExperimentsLauncher(), args);
    }
}
