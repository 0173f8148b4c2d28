package io.embedstream.pipeline.cli;

import io.embedstream.connectors.wire.metrics.MetricsRecord;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The demo's live status line, from the job's counters and the latest metrics window. */
final class ProgressView {
    private final boolean terminal = System.console() != null;
    private long lastLog;

    void show(long sent, long total, long consumed, long deadLetters, MetricsRecord window) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "sent %,d/%,d  trained %,d  dlq %d",
                sent, total, consumed, deadLetters));
        if (window != null) {
            line.append(String.format(Locale.ROOT, "  step %d  v%d  %.0f img/s  loss %.3f",
                    window.step(), window.modelVersion(), window.imagesPerSecond(), window.loss().total().orElse(0)));
            String components = window.loss().terms().entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey().replace("anticollapse_", "ac_"), e.getValue()))
                    .collect(Collectors.joining(" "));
            line.append(" (").append(components).append(")");
            line.append(String.format(Locale.ROOT, "  q %.2f  rank %.1f",
                    window.quality().map(q -> q.mean()).orElse(0.0),
                    window.metric(MetricsRecord.EFFECTIVE_RANK).orElse(0)));
            if (!window.activeAlarms().isEmpty()) {
                line.append("  ALARMS ").append(alarmList(window.activeAlarms()));
            }
        }
        long now = System.nanoTime();
        if (terminal) {
            System.out.print("\r" + line + "\u001B[K");
            System.out.flush();
        } else if (now - lastLog > 5_000_000_000L) {
            System.out.println(line);
            lastLog = now;
        }
    }

    /** Alarm kinds in JSON array form, e.g. {@code ["DATA_DRIFT"]}, as the demo's line and summary print them. */
    static String alarmList(List<String> kinds) {
        return kinds.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    void finish() {
        if (terminal) {
            System.out.println();
        }
    }
}
