package io.embedstream.pipeline.cli;

import io.embedstream.connectors.wire.metrics.AlarmChange;
import io.embedstream.connectors.wire.metrics.MetricsRecord;
import io.embedstream.connectors.wire.metrics.VersionDriftFigures;
import io.embedstream.model.metrics.AlarmKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Renders metrics windows (the records of the metrics topic) as a compact table: one row per window, alarm
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

    /** Fixes the loss columns: the loss terms of these windows, in order of appearance. */
    void learnColumns(List<MetricsRecord> windows) {
        Set<String> parts = new LinkedHashSet<>(lossParts);
        for (MetricsRecord w : windows) {
            parts.addAll(w.loss().terms().keySet());
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
    String row(MetricsRecord w) {
        Set<String> active = new LinkedHashSet<>(w.activeAlarms());
        boolean alarm = !active.isEmpty();
        StringBuilder sb = new StringBuilder();
        sb.append(alarm && !color ? "! " : "  ");
        sb.append(String.format(Locale.ROOT, "%6d %7d %4d %8s %7s", w.window(), w.step(), w.modelVersion(),
                text(OptionalDouble.of(w.imagesPerSecond()), "%.1f"), text(w.loss().total(), "%.3f")));
        for (String part : lossParts) {
            sb.append(String.format(Locale.ROOT, " %7s", text(w.loss().term(part), "%.3f")));
        }
        boolean collapse = active.contains("EFFECTIVE_RANK_COLLAPSE") || active.contains("CODING_RATE_DROP");
        sb.append(' ').append(cell(String.format(Locale.ROOT, "%8s", text(w.metric(MetricsRecord.EFFECTIVE_RANK), "%.1f")), collapse));
        sb.append(String.format(Locale.ROOT, " %7s", text(w.metric(MetricsRecord.NORM_QUALITY_SPEARMAN), "%+.2f")));
        sb.append(' ').append(cell(String.format(Locale.ROOT, "%7s", text(w.metric(MetricsRecord.DRIFT_P_VALUE), "%.3f")),
                AlarmKind.DRIFT.stream().map(Enum::name).anyMatch(active::contains)));
        sb.append(' ').append(cell(String.format(Locale.ROOT, "%13s", versionDrift(w.versionDrift())),
                active.contains("VERSION_DRIFT")));
        sb.append("  ").append(alarm ? String.join(",", active) : "-");
        String line = sb.toString();
        return color && alarm ? RED + line + RESET : line;
    }

    /** The alarm events and promotion-gate decisions of a window, one line each with its reason. */
    List<String> events(MetricsRecord w) {
        List<String> lines = new ArrayList<>();
        for (AlarmChange e : w.alarms()) {
            String line = String.format(Locale.ROOT, "  window %d: %s %s: %s", w.window(), e.kind(), e.state(), e.reason());
            lines.add(color ? (e.raised() ? BOLD_RED : GREEN) + line + RESET : line);
        }
        // The promotion gate's decisions travel as notes: "gate: version 9 rejected (serving 7): <reason>".
        for (String note : w.notes()) {
            if (note.startsWith("gate: ")) {
                String line = String.format(Locale.ROOT, "  window %d: %s", w.window(), note);
                lines.add(color ? (note.contains(" promoted") ? GREEN : BOLD_RED) + line + RESET : line);
            }
        }
        return lines;
    }

    /** The whole screen: title, header, rows and the latest alarm events. */
    String screen(String title, List<MetricsRecord> windows, List<String> recentEvents) {
        StringBuilder sb = new StringBuilder();
        sb.append(color ? DIM + title + RESET : title).append('\n');
        sb.append(header()).append('\n');
        for (MetricsRecord w : windows) {
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

    private static String versionDrift(Optional<VersionDriftFigures> drift) {
        if (drift.isEmpty()) {
            return "-";
        }
        VersionDriftFigures vd = drift.get();
        return vd.fromVersion() + ">" + vd.toVersion() + " " + text(vd.figure(VersionDriftFigures.CKA), "%.2f");
    }

    private static String text(OptionalDouble value, String format) {
        return value.isPresent() ? String.format(Locale.ROOT, format, value.getAsDouble()) : "-";
    }

    private static String abbreviate(String lossPart) {
        return switch (lossPart) {
            case "anticollapse_proxies" -> "ac.prox";
            case "anticollapse_features" -> "ac.feat";
            default -> lossPart.length() <= 7 ? lossPart : lossPart.substring(0, 7);
        };
    }
}
