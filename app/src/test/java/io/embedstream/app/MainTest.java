package io.embedstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher reaches every command of every module, and each one answers --help. */
class MainTest {

    @Test
    void everyModuleCommandIsReachableAndHasHelp() {
        CommandLine launcher = new CommandLine(new Main());
        Set<String> names = launcher.getSubcommands().keySet();
        // One from each module that contributes commands: pipeline, broker, experiments.
        assertTrue(names.containsAll(Set.of("demo", "train", "produce", "fit", "embed", "watch", "dashboard", "keygen",
                "broker", "eval", "experiment", "bench", "bench-pipeline", "bench-swap", "bench-classes")), names.toString());
        for (String name : names) {
            if (name.equals("help")) {
                continue;
            }
            StringWriter out = new StringWriter();
            CommandLine command = new CommandLine(new Main());
            command.setOut(new PrintWriter(out));
            assertEquals(0, command.execute(name, "--help"), name);
            assertTrue(out.toString().contains("Usage: embedstream " + name), name + ": " + out);
        }
    }
}
