package io.embedstream.connectors.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Argument handling of {@code embedstream broker} (the broker itself is covered by EmbeddedKafkaBrokerTest). */
class BrokerCommandTest {

    @Test
    void defaults() {
        BrokerCommand.Options options = BrokerCommand.parse(new String[0]);
        assertEquals(new BrokerCommand.Options(9092, Optional.empty(), 1, BrokerCommand.DEFAULT_TOPICS), options);
    }

    @Test
    void parsesAllOptions() {
        BrokerCommand.Options options = BrokerCommand.parse(new String[] {
            "--port", "0", "--log-dir", "/tmp/k", "--partitions", "4", "--topics", "a, b"});
        assertEquals(new BrokerCommand.Options(0, Optional.of(Path.of("/tmp/k")), 4, List.of("a", "b")), options);
        assertEquals(List.of(), BrokerCommand.parse(new String[] {"--topics", ""}).topics());
    }

    @Test
    void badArgumentsExitWithStatus2AndAReason() throws Exception {
        assertEquals("--port needs a decimal integer, got 'x'", assertThrows(IllegalArgumentException.class,
                () -> BrokerCommand.parse(new String[] {"--port", "x"})).getMessage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BrokerCommand.run(new String[] {"--bogus"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
        assertEquals(2, status);
        assertTrue(err.toString().contains("unknown option '--bogus'"), err.toString());
    }
}
