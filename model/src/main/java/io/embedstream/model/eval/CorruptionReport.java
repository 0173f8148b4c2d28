package io.embedstream.model.eval;

import io.embedstream.model.data.corruption.Corruption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link CorruptionEvaluator} measured: clean P@1 and P@1 per corruption kind and level, in kind order and
 * then level order.
 *
 * @param queries test images per cell
 * @param metric  how neighbours were ranked
 * @param seed    seed of the corruptions
 * @param clean   P@1 of the uncorrupted test images, by the same code as the cells
 * @param cells   one per kind and level
 */
public record CorruptionReport(int queries, SimilarityMetric metric, long seed, double clean, List<Cell> cells) {

    /** P@1 of the test images under one kind at one level. */
    public record Cell(Corruption kind, int level, double precisionAt1) {
        public Cell {
            Objects.requireNonNull(kind, "kind");
        }
    }

    public CorruptionReport {
        Objects.requireNonNull(metric, "metric");
        cells = List.copyOf(cells);
    }

    /** The mean P@1 over every cell (each kind and level weighs the same); NaN without cells. */
    public double mean() {
        return cells.stream().mapToDouble(Cell::precisionAt1).average().orElse(Double.NaN);
    }

    /** The kinds measured, in order. */
    public List<Corruption> kinds() {
        return cells.stream().map(Cell::kind).distinct().toList();
    }

    /** P@1 of {@code kind} at {@code level}. */
    public double precisionAt1(Corruption kind, int level) {
        return cells.stream().filter(c -> c.kind() == kind && c.level() == level).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(kind.cliName() + " level " + level + " was not measured"))
                .precisionAt1();
    }

    /**
     * The figures as JSON takes them: {@code clean}, {@code mean}, the kinds ({@code {"rotate": {"1": p, "2": p,
     * "3": p}, ...}}) and what each level does.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queries", queries);
        m.put("metric", metric.label());
        m.put("seed", seed);
        m.put("clean_precision_at_1", clean);
        m.put("mean_precision_at_1", mean());
        Map<String, Object> kinds = new LinkedHashMap<>();
        Map<String, Object> levels = new LinkedHashMap<>();
        for (Cell c : cells) {
            @SuppressWarnings("unchecked")
            Map<String, Object> k = (Map<String, Object>) kinds.computeIfAbsent(c.kind().cliName(), x -> new LinkedHashMap<>());
            k.put(String.valueOf(c.level()), c.precisionAt1());
            @SuppressWarnings("unchecked")
            Map<String, Object> l = (Map<String, Object>) levels.computeIfAbsent(c.kind().cliName(), x -> new LinkedHashMap<>());
            l.put(String.valueOf(c.level()), c.kind().describe(c.level()));
        }
        m.put("precision_at_1", kinds);
        m.put("levels", levels);
        return m;
    }
}
