package io.embedstream.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders metrics windows (the JSON records of the metrics topic) as a compact table: one row per window, alarm
 * rows marked and the cells they concern highlighted, alarm events with their reasons below. With color the
 * highlight is ANSI (red = active alarm); without, a {@code !} marks alarm rows and {@code *} alarm cells.
 */
final class MetricsTable {
    private static final String RED = "\u001b[31m";
    private static final String BOLD_RED = "\u001b[1;31m";
    private static final String GREEN = "\u001b[32m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private final boolean color;
    private final List<String> lossParts = new ArrayList<>();

    MetricsTable(boolean color) {
        this.color = color;
    }

    /** Fixes the loss columns: {@code loss} keys other than {@code total} of these windows, in order of appearance. */
    void learnColumns(List<JsonNode> windows) {
        Set<String> parts = new LinkedHashSet<>(lossParts);
        for (JsonNode w : windows) {
            for (Iterator<String> it = w.path("loss").fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!"total".equals(name)) {
                    parts.add(name);
                }
            }
        }
        lossParts.clear();
        lossParts.addAll(parts);
    }

    String header() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "  %6s %7s %4s %8s %7s", "window", "step", "ver", "img/s", "loss"));
        for (String part : lossParts) {
            sb.append(String.format(Locale.ROOT, " %7s", abbreviate(part)));
        }
        sb.append(String.format(Locale.ROOT, " %8s %7s %7s %13s  %s", "eff.rank", "norm~q", "drift.p", "version.cka", "alarms"));
        return sb.toString();
    }

    /** One window's row. */
    String row(JsonNode w) {
        Set<String> active = new LinkedHashSet<>();
        w.path("active_alarms").forEach(a -> active.add(a.asText()));
        boolean alarm = !active.isEmpty();
        JsonNode m = w.path("metrics");
        JsonNode loss = w.path("loss");
        StringBuilder sb = new StringBuilder();
        sb.append(alarm && !color ? "! " : "  ");
        sb.append(String.format(Locale.ROOT, "%6s %7s %4s %8s %7s", text(w.path("window"), "%d"), text(w.path("step"), "%d"),
                text(w.path("model_version"), "%d"), text(w.path("images_per_second"), "%.1f"), text(loss.path("total"), "%.3f")));
        for (String part : lossParts) {
            sb.append(String.format(Locale.ROOT, " %7s", text(loss.path(part), "%.3f")));
        }
        boolean collapse = active.contains("EFFECTIVE_RANK_COLLAPSE") || active.contains("CODING_RATE_DROP");
        sb.append(' ').append(cell(String.format(Locale.ROOT, "%8s", text(m.path("collapse.effective_rank"), "%.1f")), collapse));
        sb.append(String.format(Locale.ROOT, " %7s", text(m.path("norms.quality_spearman"), "%+.2f")));
        sb.append(' ').append(cell(String.format(Locale.ROOT, "%7s", text(m.path("drift.p_value"), "%.3f")),
                active.contains("DATA_DRIFT")));
        sb.append(' ').append(cell(String.format(Locale.ROOT, "%13s", versionDrift(w.path("version_drift"))),
                active.contains("VERSION_DRIFT")));
        sb.append("  ").append(alarm ? String.join(",", active) : "-");
        String line = sb.toString();
        return color && alarm ? RED + line + RESET : line;
    }

    /** The alarm events of a window, one line each with its reason. */
    List<String> events(JsonNode w) {
        List<String> lines = new ArrayList<>();
        for (JsonNode e : w.path("alarms")) {
            boolean raised = "RAISED".equals(e.path("state").asText());
            String line = String.format(Locale.ROOT, "  window %s: %s %s: %s", w.path("window").asText("?"),
                    e.path("kind").asText("?"), e.path("state").asText("?"), e.path("reason").asText(""));
            lines.add(color ? (raised ? BOLD_RED : GREEN) + line + RESET : line);
        }
        return lines;
    }

    /** The whole screen: title, header, rows and the latest alarm events. */
    String screen(String title, List<JsonNode> windows, List<String> recentEvents) {
        StringBuilder sb = new StringBuilder();
        sb.append(color ? DIM + title + RESET : title).append('\n');
        sb.append(header()).append('\n');
        for (JsonNode w : windows) {
            sb.append(row(w)).append('\n');
        }
        if (!recentEvents.isEmpty()) {
            sb.append("alarm events (latest last):\n");
            recentEvents.forEach(line -> sb.append(line).append('\n'));
        }
        return sb.toString();
    }

    private String cell(String text, boolean highlighted) {
        if (!highlighted) {
            return text;
        }
        if (color) {
            return BOLD_RED + text + RESET + RED;
        }
        return text.startsWith(" ") ? text.substring(1) + "*" : text + "*";
    }

    private static String versionDrift(JsonNode vd) {
        if (vd.isMissingNode() || vd.isNull()) {
            return "-";
        }
        return vd.path("from_version").asText("?") + ">" + vd.path("to_version").asText("?") + " "
                + text(vd.path("version.cka"), "%.2f");
    }

    private static String text(JsonNode node, String format) {
        if (node == null || node.isMissingNode() || node.isNull() || !node.isNumber()) {
            return "-";
        }
        return format.equals("%d") ? Long.toString(node.asLong()) : String.format(Locale.ROOT, format, node.asDouble());
    }

    private static String abbreviate(String lossPart) {
        return switch (lossPart) {
            case "anticollapse_proxies" -> "ac.prox";
            case "anticollapse_features" -> "ac.feat";
            default -> lossPart.length() <= 7 ? lossPart : lossPart.substring(0, 7);
        };
    }
}
