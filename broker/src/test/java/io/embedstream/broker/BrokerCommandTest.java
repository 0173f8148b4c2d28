package io.embedstream.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Argument handling of {@code embedstream broker} (the broker itself is covered by EmbeddedKafkaBrokerTest). */
class BrokerCommandTest {

    @Test
    void defaults() {
        BrokerCommand command = parse();
        assertEquals(9092, command.port);
        assertNull(command.logDir);
        assertEquals(1, command.partitions);
        assertEquals(List.of("images", "images.dlq", "embedstream.models", "embedstream.metrics"), command.topicList());
    }

    @Test
    void parsesAllOptions() {
        BrokerCommand command = parse("--port", "0", "--log-dir", "/tmp/k", "--partitions", "4", "--topics", "a, b");
        assertEquals(0, command.port);
        assertEquals(Path.of("/tmp/k"), command.logDir);
        assertEquals(4, command.partitions);
        assertEquals(List.of("a", "b"), command.topicList());
        assertEquals(List.of(), parse("--topics", "").topicList());
    }

    @Test
    void badArgumentsExitWithStatus2AndAReason() {
        assertExit2("Unknown option: '--bogus'", "--bogus");
        assertExit2("Invalid value for option '--port': 'x' is not an int", "--port", "x");
        assertExit2("--port must be in [0, 65535], got 70000", "--port", "70000");
        assertExit2("--partitions must be >= 1, got 0", "--partitions", "0");
    }

    private static BrokerCommand parse(String... args) {
        BrokerCommand command = new BrokerCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    private static void assertExit2(String reason, String... args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new BrokerCommand());
        commandLine.setErr(new PrintWriter(err));
        assertEquals(2, commandLine.execute(args));
        assertTrue(err.toString().contains(reason), err.toString());
    }
}
