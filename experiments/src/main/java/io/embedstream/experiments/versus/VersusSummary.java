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
 * The figures of every side (fit, the stream, the PyTorch loop) over the seeds: mean and sample standard deviation of
 * clean P@1, mean unseen P@1, the worst cell and images/s, and each side's same-run speed ratio against the loop. The
 * worst cell is the one with the lowest mean over the seeds, so that every seed contributes the same kind and level
 * to it. The loop is the reference: every other side is compared with it. Without the loop (screening recipes of
 * fit or the stream against each other, {@code versus-pytorch --no-loop}) the sides are only summarised.
 */
public final class VersusSummary {
    public static final String FIT = "fit";
    public static final String STREAM = "stream";
    public static final String LOOP = "pytorch loop";

    private final Map<String, List<SideRun>> sides;

    /** fit against the loop, runs in seed order, one per seed on each side. */
    public VersusSummary(List<SideRun> fit, List<SideRun> loop) {
        this(ordered(FIT, fit, LOOP, loop));
    }

    /**
     * @param sides each side's runs in seed order, one per seed, in the order the tables show them; where one of them
     *              is {@link #LOOP}, it is the reference the others are compared with
     */
    public VersusSummary(Map<String, List<SideRun>> sides) {
        if (sides.keySet().stream().noneMatch(s -> !s.equals(LOOP))) {
            throw new IllegalArgumentException("need at least one side besides the pytorch loop, got " + sides.keySet());
        }
        String reference = sides.containsKey(LOOP) ? LOOP : sides.keySet().iterator().next();
        int seeds = sides.get(reference).size();
        Map<String, List<SideRun>> copy = new LinkedHashMap<>();
        sides.forEach((name, runs) -> {
            if (runs.isEmpty() || runs.size() != seeds) {
                throw new IllegalArgumentException("need one run per seed on each side, got " + runs.size() + " for "
                        + name + " and " + seeds + " for " + reference);
            }
            copy.put(name, List.copyOf(runs));
        });
        this.sides = copy;
    }

    private static Map<String, List<SideRun>> ordered(String a, List<SideRun> ra, String b, List<SideRun> rb) {
        Map<String, List<SideRun>> m = new LinkedHashMap<>();
        m.put(a, ra);
        m.put(b, rb);
        return m;
    }

    /** The sides compared with the loop, in table order (the loop excluded); none when the loop did not run. */
    public List<String> compared() {
        return hasLoop() ? sides.keySet().stream().filter(s -> !s.equals(LOOP)).toList() : List.of();
    }

    /** Whether the reference loop ran; without it there are no differences from it. */
    public boolean hasLoop() {
        return sides.containsKey(LOOP);
    }

    /** Every side in table order, the loop included where it ran. */
    public List<String> sides() {
        return List.copyOf(sides.keySet());
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

    public Stat clean(String side) {
        return stat(side, r -> r.report().clean());
    }

    public Stat meanUnseen(String side) {
        return stat(side, r -> r.report().mean());
    }

    public Stat imagesPerSecond(String side) {
        return stat(side, SideRun::imagesPerSecond);
    }

    /** The side's images/s over the loop's, seed by seed. */
    public Stat speedRatio(String side) {
        List<SideRun> runs = runs(side);
        List<SideRun> loop = runs(LOOP);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            ratios.add(runs.get(i).imagesPerSecond() / loop.get(i).imagesPerSecond());
        }
        return Stat.of(ratios);
    }

    /** The side's figure minus the loop's, seed by seed (a paired difference: same seed, same images). */
    public Stat differenceFromLoop(String side, ToDoubleFunction<SideRun> figure) {
        List<SideRun> runs = runs(side);
        List<SideRun> loop = runs(LOOP);
        List<Double> d = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            d.add(figure.applyAsDouble(runs.get(i)) - figure.applyAsDouble(loop.get(i)));
        }
        return Stat.of(d);
    }

    public Stat cell(String side, Corruption kind, int level) {
        return stat(side, r -> r.report().precisionAt1(kind, level));
    }

    /** The side's kind and level with the lowest mean P@1; null without corruptions. */
    public CorruptionReport.Cell worst(String side) {
        CorruptionReport.Cell worst = null;
        for (CorruptionReport.Cell c : runs(side).get(0).report().cells()) {
            double mean = cell(side, c.kind(), c.level()).mean();
            if (worst == null || mean < worst.precisionAt1()) {
                worst = new CorruptionReport.Cell(c.kind(), c.level(), mean);
            }
        }
        return worst;
    }

    public Stat worstStat(String side) {
        CorruptionReport.Cell w = worst(side);
        return w == null ? Stat.of(List.of()) : cell(side, w.kind(), w.level());
    }

    /** One row per side; columns clean P@1, mean unseen P@1, worst cell, images/s. */
    public List<List<String>> summaryRows() {
        List<List<String>> rows = new ArrayList<>();
        for (String side : sides.keySet()) {
            CorruptionReport.Cell w = worst(side);
            rows.add(List.of(side, pct(clean(side)), pct(meanUnseen(side)),
                    w == null ? "—" : w.kind().cliName() + " " + w.level() + ": " + pct(worstStat(side)),
                    number(imagesPerSecond(side))));
        }
        return rows;
    }

    public static List<String> summaryHeadings() {
        return List.of("model", "clean P@1", "mean unseen P@1", "worst cell", "images/s");
    }

    /** One row per side compared with the loop: paired differences in points, and the speed ratio. */
    public List<List<String>> differenceRows() {
        List<List<String>> rows = new ArrayList<>();
        for (String side : compared()) {
            rows.add(List.of(side + " − loop", points(differenceFromLoop(side, r -> r.report().clean())),
                    points(differenceFromLoop(side, r -> r.report().mean())), ratio(speedRatio(side))));
        }
        return rows;
    }

    public static List<String> differenceHeadings() {
        return List.of("paired by seed", "clean (points)", "mean unseen (points)", "images/s ratio");
    }

    /** One row per kind and level: each side, the loop, and each side minus the loop. */
    public List<List<String>> cellRows() {
        List<List<String>> rows = new ArrayList<>();
        for (CorruptionReport.Cell c : runs(sides.keySet().iterator().next()).get(0).report().cells()) {
            List<String> row = new ArrayList<>(List.of(c.kind().cliName(), String.valueOf(c.level()),
                    c.kind().describe(c.level())));
            for (String side : sides.keySet()) {
                row.add(pct(cell(side, c.kind(), c.level())));
            }
            for (String side : compared()) {
                double loop = cell(LOOP, c.kind(), c.level()).mean();
                row.add(String.format(Locale.ROOT, "%+.2f", 100 * (cell(side, c.kind(), c.level()).mean() - loop)));
            }
            rows.add(row);
        }
        return rows;
    }

    public List<String> cellHeadings() {
        List<String> h = new ArrayList<>(List.of("corruption", "level", "what"));
        h.addAll(sides.keySet());
        for (String side : compared()) {
            h.add(side + " − loop (points)");
        }
        return h;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String side : sides.keySet()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("clean_precision_at_1", clean(side).toMap());
            s.put("mean_unseen_precision_at_1", meanUnseen(side).toMap());
            CorruptionReport.Cell w = worst(side);
            s.put("worst_cell", w == null ? null : w.kind().cliName() + " " + w.level());
            s.put("worst_cell_precision_at_1", worstStat(side).toMap());
            s.put("images_per_second", imagesPerSecond(side).toMap());
            if (compared().contains(side)) {
                s.put("clean_minus_loop", differenceFromLoop(side, r -> r.report().clean()).toMap());
                s.put("mean_unseen_minus_loop", differenceFromLoop(side, r -> r.report().mean()).toMap());
                s.put("images_per_second_over_loop", speedRatio(side).toMap());
            }
            Map<String, Object> cells = new LinkedHashMap<>();
            for (CorruptionReport.Cell c : runs(side).get(0).report().cells()) {
                cells.put(c.kind().cliName() + " " + c.level(), cell(side, c.kind(), c.level()).toMap());
            }
            s.put("cells", cells);
            m.put(key(side), s);
        }
        if (sides.containsKey(FIT) && hasLoop()) {
            m.put("fit_over_loop_images_per_second", speedRatio(FIT).toMap());
        }
        return m;
    }

    /** The JSON key of a side: fit, stream, pytorch_loop. */
    public static String key(String side) {
        return side.replace(' ', '_');
    }

    private List<SideRun> runs(String side) {
        List<SideRun> runs = sides.get(side);
        if (runs == null) {
            throw new IllegalArgumentException("no side '" + side + "' in this run; sides " + sides.keySet());
        }
        return runs;
    }

    private Stat stat(String side, ToDoubleFunction<SideRun> figure) {
        List<Double> values = new ArrayList<>();
        for (SideRun r : runs(side)) {
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

    private static String points(Stat s) {
        if (Double.isNaN(s.mean())) {
            return "—";
        }
        return s.n() > 1 ? String.format(Locale.ROOT, "%+.2f ± %.2f", 100 * s.mean(), 100 * s.sd())
                : String.format(Locale.ROOT, "%+.2f", 100 * s.mean());
    }

    private static String ratio(Stat s) {
        return s.n() > 1 ? String.format(Locale.ROOT, "%.2f ± %.2f", s.mean(), s.sd())
                : String.format(Locale.ROOT, "%.2f", s.mean());
    }

    private static String number(Stat s) {
        return s.n() > 1 ? String.format(Locale.ROOT, "%.1f ± %.1f", s.mean(), s.sd())
                : String.format(Locale.ROOT, "%.1f", s.mean());
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
