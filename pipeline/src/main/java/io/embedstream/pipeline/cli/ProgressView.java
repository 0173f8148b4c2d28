package io.embedstream.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** The demo's live status line, from the job's counters and the latest metrics window. */
final class ProgressView {
    private final boolean terminal = System.console() != null;
    private long lastLog;

    void show(long sent, long total, long consumed, long deadLetters, JsonNode window) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "sent %,d/%,d  trained %,d  dlq %d",
                sent, total, consumed, deadLetters));
        if (window != null) {
            line.append(String.format(Locale.ROOT, "  step %d  v%d  %.0f img/s  loss %.3f",
                    window.path("step").asLong(), window.path("model_version").asLong(),
                    window.path("images_per_second").asDouble(), window.path("loss").path("total").asDouble()));
            Iterator<Map.Entry<String, JsonNode>> parts = window.path("loss").fields();
            StringBuilder components = new StringBuilder();
            while (parts.hasNext()) {
                Map.Entry<String, JsonNode> e = parts.next();
                if (!e.getKey().equals("total")) {
                    components.append(components.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%s %.3f",
                            e.getKey().replace("anticollapse_", "ac_"), e.getValue().asDouble()));
                }
            }
            line.append(" (").append(components).append(")");
            line.append(String.format(Locale.ROOT, "  q %.2f  rank %.1f", window.path("quality").path("mean").asDouble(),
                    window.path("metrics").path("collapse.effective_rank").asDouble()));
            JsonNode alarms = window.path("active_alarms");
            if (alarms.size() > 0) {
                line.append("  ALARMS ").append(alarms);
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

    void finish() {
        if (terminal) {
            System.out.println();
        }
    }
}
