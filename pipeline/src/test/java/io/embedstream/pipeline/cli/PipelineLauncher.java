package io.embedstream.pipeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The pipeline's commands under one root, run as the {@code embedstream} launcher runs them, for tests in this
 * module (the launcher itself lives in the app module, which depends on this one).
 */
@Command(name = "embedstream", subcommands = {DemoCommand.class, TrainCommand.class, ProduceCommand.class,
        FitCommand.class, EmbedCommand.class, WatchCommand.class, DashboardCommand.class, KeygenCommand.class,
                AckDriftCommand.class, RollbackCommand.class,
        CommandLine.HelpCommand.class})
public final class PipelineLauncher {

    /** Runs one command: 0 on success, 2 for bad input, 1 for other failures. */
    public static int run(String... args) {
        return CommandRunner.run(new PipelineLauncher(), args);
    }
}
