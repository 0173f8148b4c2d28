package io.embedstream.pipeline.cli;

import io.embedstream.model.train.StepResult;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * One refreshing status line on a terminal (carriage return), or a line every few seconds when the output is a
 * file or a pipe, so that logs stay readable.
 */
final class ProgressLine {
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private long lastPrint;
    private long windowStart = System.nanoTime();
    private long windowImages;

    ProgressLine(PrintStream out) {
        this.out = out;
    }

    void update(String prefix, StepResult result) {
        windowImages += result.batchSize();
        long now = System.nanoTime();
        long interval = terminal ? 200_000_000L : LOG_INTERVAL_NANOS;
        if (now - lastPrint < interval) {
            return;
        }
        double rate = windowImages / ((now - windowStart) / 1e9);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s  %6.1f img/s  loss %.4f", prefix, rate,
                result.loss()));
        for (Map.Entry<String, Float> c : result.components().entrySet()) {
            line.append(String.format(Locale.ROOT, "  %s %.4f", c.getKey(), c.getValue()));
        }
        if (!result.applied()) {
            line.append("  SKIPPED: ").append(result.skipReason());
        }
        if (terminal) {
            out.print("\r" + line + "\u001B[K");
        } else {
            out.println(line);
        }
        out.flush();
        lastPrint = now;
        windowStart = now;
        windowImages = 0;
    }

    void finish() {
        if (terminal) {
            out.println();
        }
    }
}
