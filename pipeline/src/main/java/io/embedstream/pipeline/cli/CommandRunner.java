package io.embedstream.pipeline.cli;

import picocli.CommandLine;

/**
 * Runs a picocli command the way the {@code embedstream} launcher does, so the launcher and the tests of each
 * module's commands share one error policy: bad input from the user is one sentence and exit code 2, not a stack
 * trace.
 */
public final class CommandRunner {
    private CommandRunner() {}

    /** Runs {@code command} with {@code args}: 0 on success, 2 for bad input, 1 for other failures. */
    public static int run(Object command, String... args) {
        // DJL must not reach the network unless asked to (a -Pcuda build may fetch its CUDA library once).
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.setProperty("java.awt.headless", "true");
        return new CommandLine(command)
                .setExecutionExceptionHandler(CommandRunner::handleError)
                .execute(args);
    }

    private static int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
            return 2;
        }
        cmd.getErr().println(cmd.getColorScheme().stackTraceText(e));
        return 1;
    }
}
