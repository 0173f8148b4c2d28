package io.embedstream.experiments.versus;

import io.embedstream.model.data.corruption.Corruption;
import io.embedstream.model.eval.CorruptionReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The figures of both sides over the seeds: mean and sample standard deviation of clean P@1, mean unseen P@1, the
 * worst cell and images/s, and the same-run speed ratio. The worst cell is the one with the lowest mean over the
 * seeds, so that every seed contributes the same kind and level to it.
 */
public final class VersusSummary {
    private final List<SideRun> fit;
    private final List<SideRun> loop;

    /** Runs in seed order, one per seed on each side. */
    public VersusSummary(List<SideRun> fit, List<SideRun> loop) {
        if (fit.isEmpty() || fit.size() != loop.size()) {
            throw new IllegalArgumentException("need one run per seed on each side, got " + fit.size() + " and " + loop.size());
        }
        this.fit = List.copyOf(fit);
        this.loop = List.copyOf(loop);
    }

    /** Mean and sample standard deviation (0 for one value). */
    public record Stat(double mean, double sd, int n) {
        static Stat of(List<Double> values) {
            double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            return new Stat(mean, values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0, values.size());
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mean", finiteOrNull(mean));
            m.put("sd", finiteOrNull(sd));
            m.put("n", n);
            return m;
        }
    }

    public Stat clean(boolean ofFit) {
        return stat(ofFit, r -> r.report().clean());
    }

    public Stat meanUnseen(boolean ofFit) {
        return stat(ofFit, r -> r.report().mean());
    }

    public Stat imagesPerSecond(boolean ofFit) {
        return stat(ofFit, SideRun::imagesPerSecond);
    }

    /** fit's images/s over the loop's, seed by seed. */
    public Stat speedRatio() {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < fit.size(); i++) {
            ratios.add(fit.get(i).imagesPerSecond() / loop.get(i).imagesPerSecond());
        }
        return Stat.of(ratios);
    }

    public Stat cell(boolean ofFit, Corruption kind, int level) {
        return stat(ofFit, r -> r.report().precisionAt1(kind, level));
    }

    /** The side's kind and level with the lowest mean P@1; null without corruptions. */
    public CorruptionReport.Cell worst(boolean ofFit) {
        CorruptionReport.Cell worst = null;
        for (CorruptionReport.Cell c : runs(ofFit).get(0).report().cells()) {
            double mean = cell(ofFit, c.kind(), c.level()).mean();
            if (worst == null || mean < worst.precisionAt1()) {
                worst = new CorruptionReport.Cell(c.kind(), c.level(), mean);
            }
        }
        return worst;
    }

    public Stat worstStat(boolean ofFit) {
        CorruptionReport.Cell w = worst(ofFit);
        return w == null ? Stat.of(List.of()) : cell(ofFit, w.kind(), w.level());
    }

    /** Rows fit and pytorch loop; columns clean P@1, mean unseen P@1, worst cell, images/s. */
    public List<List<String>> summaryRows() {
        List<List<String>> rows = new ArrayList<>();
        for (boolean ofFit : new boolean[] {true, false}) {
            CorruptionReport.Cell w = worst(ofFit);
            rows.add(List.of(ofFit ? "fit" : "pytorch loop", pct(clean(ofFit)), pct(meanUnseen(ofFit)),
                    w == null ? "—" : w.kind().cliName() + " " + w.level() + ": " + pct(worstStat(ofFit)),
                    number(imagesPerSecond(ofFit))));
        }
        return rows;
    }

    public static List<String> summaryHeadings() {
        return List.of("model", "clean P@1", "mean unseen P@1", "worst cell", "images/s");
    }

    /** One row per kind and level: fit, the loop, and fit minus the loop. */
    public List<List<String>> cellRows() {
        List<List<String>> rows = new ArrayList<>();
        for (CorruptionReport.Cell c : fit.get(0).report().cells()) {
            Stat f = cell(true, c.kind(), c.level());
            Stat l = cell(false, c.kind(), c.level());
            rows.add(List.of(c.kind().cliName(), String.valueOf(c.level()), c.kind().describe(c.level()), pct(f), pct(l),
                    String.format(Locale.ROOT, "%+.2f", 100 * (f.mean() - l.mean()))));
        }
        return rows;
    }

    public static List<String> cellHeadings() {
        return List.of("corruption", "level", "what", "fit", "pytorch loop", "fit − loop (points)");
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (boolean ofFit : new boolean[] {true, false}) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("clean_precision_at_1", clean(ofFit).toMap());
            s.put("mean_unseen_precision_at_1", meanUnseen(ofFit).toMap());
            CorruptionReport.Cell w = worst(ofFit);
            s.put("worst_cell", w == null ? null : w.kind().cliName() + " " + w.level());
            s.put("worst_cell_precision_at_1", worstStat(ofFit).toMap());
            s.put("images_per_second", imagesPerSecond(ofFit).toMap());
            Map<String, Object> cells = new LinkedHashMap<>();
            for (CorruptionReport.Cell c : runs(ofFit).get(0).report().cells()) {
                cells.put(c.kind().cliName() + " " + c.level(), cell(ofFit, c.kind(), c.level()).toMap());
            }
            s.put("cells", cells);
            m.put(ofFit ? "fit" : "pytorch_loop", s);
        }
        m.put("fit_over_loop_images_per_second", speedRatio().toMap());
        return m;
    }

    private List<SideRun> runs(boolean ofFit) {
        return ofFit ? fit : loop;
    }

    private Stat stat(boolean ofFit, ToDoubleFunction<SideRun> figure) {
        List<Double> values = new ArrayList<>();
        for (SideRun r : runs(ofFit)) {
            values.add(figure.applyAsDouble(r));
        }
        return Stat.of(values);
    }

    private static String pct(Stat s) {
        if (Double.isNaN(s.mean())) {
            return "—";
        }
        return s.n() > 1 ? String.format(Locale.ROOT, "%.2f%% ± %.2f", 100 * s.mean(), 100 * s.sd())
                : String.format(Locale.ROOT, "%.2f%%", 100 * s.mean());
    }

    private static String number(Stat s) {
        return s.n() > 1 ? String.format(Locale.ROOT, "%.1f ± %.1f", s.mean(), s.sd())
                : String.format(Locale.ROOT, "%.1f", s.mean());
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
