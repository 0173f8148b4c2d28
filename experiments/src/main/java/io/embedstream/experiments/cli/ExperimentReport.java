package io.embedstream.experiments.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedstream.model.eval.EvaluationReport;
import io.embedstream.model.eval.Spread;
import io.embedstream.experiments.RunResult;
import io.embedstream.experiments.WindowPoint;
import io.embedstream.experiments.chart.BarChart;
import io.embedstream.experiments.chart.LineChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Aggregates experiment runs over seeds (mean ± sample std, min and max of each figure per configuration and
 * subset) and writes them: results.json (settings, every run with its monitoring series, the summary),
 * results.md (tables), and the console tables.
 */
final class ExperimentReport {
    /** The table's columns: figure name -> heading. */
    static final Map<String, String> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("precision_at_1", "P@1");
        COLUMNS.put("r_precision", "R-precision");
        COLUMNS.put("map_at_r", "MAP@R");
        COLUMNS.put("centroid_accuracy", "centroid acc.");
        COLUMNS.put("nmi", "NMI");
        COLUMNS.put("effective_rank", "eff. rank");
        COLUMNS.put("norm_quality_spearman", "ρ(norm, q)");
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String experiment;
    private final List<RunResult> runs;
    /** configuration -> subset -> figure -> spread over seeds. */
    private final Map<String, Map<String, Map<String, Spread>>> summary;

    ExperimentReport(String experiment, List<RunResult> runs) {
        this.experiment = experiment;
        this.runs = List.copyOf(runs);
        this.summary = summarize(runs);
    }

    Map<String, Map<String, Map<String, Spread>>> summary() {
        return summary;
    }

    List<String> configurations() {
        return new ArrayList<>(summary.keySet());
    }

    /** Subsets present in any evaluated run, in report order. */
    List<String> subsets() {
        Set<String> s = new LinkedHashSet<>();
        for (RunResult r : runs) {
            r.evaluation().ifPresent(e -> e.subsets().forEach(x -> s.add(x.name())));
        }
        return new ArrayList<>(s);
    }

    private static Map<String, Map<String, Map<String, Spread>>> summarize(List<RunResult> runs) {
        Map<String, Map<String, Map<String, List<Double>>>> values = new LinkedHashMap<>();
        for (RunResult r : runs) {
            Map<String, Map<String, List<Double>>> bySubset = values.computeIfAbsent(r.configuration(),
                    k -> new LinkedHashMap<>());
            r.evaluation().ifPresent(e -> e.figuresBySubset().forEach((subset, figures) -> figures.forEach((f, v) ->
                    bySubset.computeIfAbsent(subset, k -> new LinkedHashMap<>())
                            .computeIfAbsent(f, k -> new ArrayList<>()).add(v))));
        }
        Map<String, Map<String, Map<String, Spread>>> out = new LinkedHashMap<>();
        values.forEach((c, bySubset) -> {
            Map<String, Map<String, Spread>> s = new LinkedHashMap<>();
            bySubset.forEach((subset, figures) -> {
                Map<String, Spread> f = new LinkedHashMap<>();
                figures.forEach((name, list) -> f.put(name, Spread.of(list.stream().mapToDouble(Double::doubleValue).toArray())));
                s.put(subset, f);
            });
            out.put(c, s);
        });
        return out;
    }

    /** Per seed, figure(a) - figure(b) on a subset: the paired difference of two configurations. */
    Spread difference(String a, String b, String subset, String figure) {
        Map<Long, Double> av = figureBySeed(a, subset, figure);
        Map<Long, Double> bv = figureBySeed(b, subset, figure);
        List<Double> diffs = new ArrayList<>();
        av.forEach((seed, v) -> {
            if (bv.containsKey(seed)) {
                diffs.add(v - bv.get(seed));
            }
        });
        if (diffs.isEmpty()) {
            throw new IllegalStateException("no seed has " + figure + " on " + subset + " for both " + a + " and " + b);
        }
        return Spread.of(diffs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private Map<Long, Double> figureBySeed(String configuration, String subset, String figure) {
        Map<Long, Double> m = new TreeMap<>();
        for (RunResult r : runs) {
            if (r.configuration().equals(configuration) && r.evaluation().isPresent()) {
                Double v = r.evaluation().get().figuresBySubset().getOrDefault(subset, Map.of()).get(figure);
                if (v != null) {
                    m.put(r.seed(), v);
                }
            }
        }
        return m;
    }

    /** Whether any run was evaluated under the unseen corruptions. */
    /**
     * Prints the unseen-corruption table and appends it to {@code md} under its heading, when the runs have
     * corruption figures; {@code corruptions} describes the kinds, levels and seed.
     */
    void writeCorruptions(StringBuilder md, String corruptions) {
        if (!hasCorruptions()) {
            return;
        }
        System.out.println("\nP@1 under unseen corruptions (clean test split corrupted, against the clean train"
                + " split):\n" + corruptionTable(false));
        md.append("## P@1 under unseen corruptions\n\nThe clean test split corrupted (").append(corruptions)
                .append("), against the clean train split; `mean` is over the cells.\n\n")
                .append(corruptionTable(true)).append('\n');
    }

    boolean hasCorruptions() {
        return runs.stream().anyMatch(r -> r.corruptions().isPresent());
    }

    /**
     * P@1 under the unseen corruptions: a row per configuration; columns clean, the mean over the cells, then each
     * kind and level; cells "mean ± std" over seeds.
     */
    String corruptionTable(boolean markdown) {
        Map<String, Map<String, Spread>> summary = corruptionSummary();
        List<String> headings = new ArrayList<>(List.of("configuration", "runs"));
        List<List<String>> rows = new ArrayList<>();
        summary.forEach((configuration, figures) -> {
            if (headings.size() == 2) {
                headings.addAll(figures.keySet());
            }
            List<String> row = new ArrayList<>(List.of(configuration,
                    String.valueOf(figures.values().iterator().next().n())));
            figures.values().forEach(f -> row.add(f.format(3)));
            rows.add(row);
        });
        return markdown ? Tables.markdown(headings, rows) : Tables.aligned(headings, rows);
    }

    /** configuration -> "clean", "mean", "rotate@1", ... -> spread of P@1 over the seeds that have them. */
    Map<String, Map<String, Spread>> corruptionSummary() {
        Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
        for (RunResult r : runs) {
            r.corruptions().ifPresent(c -> {
                Map<String, List<Double>> v = values.computeIfAbsent(r.configuration(), k -> new LinkedHashMap<>());
                v.computeIfAbsent("clean", k -> new ArrayList<>()).add(c.clean());
                v.computeIfAbsent("mean", k -> new ArrayList<>()).add(c.mean());
                c.cells().forEach(cell -> v.computeIfAbsent(cell.kind().cliName() + "@" + cell.level(),
                        k -> new ArrayList<>()).add(cell.precisionAt1()));
            });
        }
        Map<String, Map<String, Spread>> out = new LinkedHashMap<>();
        values.forEach((c, figures) -> {
            Map<String, Spread> f = new LinkedHashMap<>();
            figures.forEach((name, list) -> f.put(name, Spread.of(list.stream().mapToDouble(Double::doubleValue).toArray())));
            out.put(c, f);
        });
        return out;
    }

    /** A table of one subset: a row per configuration, a column per figure, cells "mean ± std". */
    String table(String subset, boolean markdown) {
        List<String> headings = new ArrayList<>();
        headings.add("configuration");
        headings.add("runs");
        headings.addAll(COLUMNS.values());
        List<List<String>> rows = new ArrayList<>();
        summary.forEach((configuration, bySubset) -> {
            Map<String, Spread> figures = bySubset.get(subset);
            List<String> row = new ArrayList<>();
            row.add(configuration);
            row.add(figures == null ? "0" : String.valueOf(figures.values().iterator().next().n()));
            for (String f : COLUMNS.keySet()) {
                Spread s = figures == null ? null : figures.get(f);
                row.add(s == null ? "—" : s.format(f.equals("effective_rank") ? 1 : 3));
            }
            rows.add(row);
        });
        return markdown ? Tables.markdown(headings, rows) : Tables.aligned(headings, rows);
    }

    void writeJson(Path file, Map<String, Object> settings, Map<String, Object> findings) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", experiment);
        root.put("created_at", Instant.now().toString());
        root.put("settings", settings);
        root.put("findings", findings);
        Map<String, Object> s = new LinkedHashMap<>();
        summary.forEach((c, bySubset) -> {
            Map<String, Object> subsets = new LinkedHashMap<>();
            bySubset.forEach((subset, figures) -> {
                Map<String, Object> f = new LinkedHashMap<>();
                figures.forEach((name, spread) -> f.put(name, spreadMap(spread)));
                subsets.put(subset, f);
            });
            s.put(c, subsets);
        });
        root.put("summary", s);
        if (hasCorruptions()) {
            Map<String, Object> c = new LinkedHashMap<>();
            corruptionSummary().forEach((configuration, figures) -> {
                Map<String, Object> f = new LinkedHashMap<>();
                figures.forEach((name, spread) -> f.put(name, spreadMap(spread)));
                c.put(configuration, f);
            });
            root.put("corruption_summary", c);
        }
        List<Object> list = new ArrayList<>();
        for (RunResult r : runs) {
            list.add(runMap(r));
        }
        root.put("runs", list);
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), root);
    }

    static Map<String, Object> spreadMap(Spread spread) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", spread.mean());
        m.put("std", spread.std());
        m.put("min", spread.min());
        m.put("max", spread.max());
        m.put("n", spread.n());
        return m;
    }

    private static Map<String, Object> runMap(RunResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("configuration", r.configuration());
        m.put("seed", r.seed());
        m.put("steps", r.steps());
        m.put("skipped_steps", r.skippedSteps());
        m.put("train_seconds", r.trainSeconds());
        m.put("images_per_second", r.imagesPerSecond());
        m.put("evaluation", r.evaluation().map(EvaluationReport::figuresBySubset).orElse(null));
        r.corruptions().ifPresent(c -> m.put("corruptions", c.toMap()));
        if (!r.note().isEmpty()) {
            m.put("note", r.note());
        }
        m.put("first_alarm_window", r.firstAlarmWindow().isPresent() ? r.firstAlarmWindow().getAsInt() : null);
        List<Object> windows = new ArrayList<>();
        for (WindowPoint w : r.windows()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("window", w.window());
            p.put("step", w.step());
            p.put("probe_effective_rank", finite(w.probeEffectiveRank()));
            p.put("probe_coding_rate", finite(w.probeCodingRate()));
            p.put("batch_effective_rank", finite(w.batchEffectiveRank()));
            p.put("loss", finite(w.loss()));
            p.put("skipped_steps", w.skippedSteps());
            if (!w.skipReasons().isEmpty()) {
                p.put("skip_reasons", w.skipReasons());
            }
            p.put("alarms", w.alarms());
            windows.add(p);
        }
        m.put("windows", windows);
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Probe effective rank over steps, one line per configuration (mean over seeds at each window). */
    LineChart.Builder effectiveRankChart(String title) {
        return seriesChart(title, "effective rank of the probe set", WindowPoint::probeEffectiveRank);
    }

    /** Probe coding rate over steps, one line per configuration (mean over seeds at each window). */
    LineChart.Builder codingRateChart(String title) {
        return seriesChart(title, "coding rate of the probe set (nats)", WindowPoint::probeCodingRate);
    }

    private LineChart.Builder seriesChart(String title, String yLabel, java.util.function.ToDoubleFunction<WindowPoint> f) {
        LineChart.Builder chart = LineChart.builder().title(title).xLabel("training step").yLabel(yLabel);
        for (String c : configurations()) {
            TreeMap<Long, List<Double>> bySteps = new TreeMap<>();
            for (RunResult r : runs) {
                if (r.configuration().equals(c)) {
                    r.windows().forEach(w -> bySteps.computeIfAbsent(w.step(), k -> new ArrayList<>())
                            .add(f.applyAsDouble(w)));
                }
            }
            double[] x = bySteps.keySet().stream().mapToDouble(Long::doubleValue).toArray();
            double[] y = bySteps.values().stream()
                    .mapToDouble(l -> l.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)).toArray();
            chart.series(c, x, y);
        }
        return chart;
    }

    /** Bars of the given figures per configuration on one subset, error bars = std over seeds. */
    void barChart(Path file, String title, String subset, Map<String, String> figures) throws IOException {
        List<String> configurations = configurations();
        BarChart.Builder chart = BarChart.builder().title(title).xLabel("configuration")
                .yLabel("mean over seeds (error bar: std)").categories(configurations);
        for (Map.Entry<String, String> f : figures.entrySet()) {
            double[] v = new double[configurations.size()];
            double[] e = new double[configurations.size()];
            for (int i = 0; i < configurations.size(); i++) {
                Spread s = summary.get(configurations.get(i)).getOrDefault(subset, Map.of()).get(f.getKey());
                v[i] = s == null ? 0 : s.mean();
                e[i] = s == null ? 0 : s.std();
            }
            chart.measure(f.getValue(), v, e);
        }
        chart.build().write(file);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
