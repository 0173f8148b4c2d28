package io.embedstream.broker;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;

/** Routes a tool's console output (Kafka's storage {@code Formatter} prints) to a logger, line by line. */
final class LoggingPrintStream {

    private LoggingPrintStream() {
    }

    static PrintStream debug(Logger logger) {
        OutputStream lines = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                if (b == '\n') {
                    flushLine();
                } else {
                    line.write(b);
                }
            }

            @Override
            public void flush() {
                flushLine();
            }

            private void flushLine() {
                if (line.size() > 0) {
                    logger.debug("{}", line.toString(StandardCharsets.UTF_8));
                    line.reset();
                }
            }
        };
        return new PrintStream(lines, true, StandardCharsets.UTF_8);
    }
}
