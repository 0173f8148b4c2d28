package io.embedstream.experiments.versus;

import io.embedstream.model.eval.CorruptionReport;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One side's training run at one seed, as the Java evaluator scored it.
 *
 * @param side            "fit" or "pytorch loop"
 * @param report          clean and per-corruption P@1 of its model
 * @param imagesPerSecond training images per second of wall time, the training loop only
 * @param steps           optimiser updates applied
 * @param skipped         steps skipped for a non-finite loss or gradient
 * @param ownClean        clean P@1 as the side reports it itself: fit's KnnEvaluator, the loop's own kNN in
 *                        PyTorch; beside {@code report.clean()} it checks that the shared evaluator scored the
 *                        side's own model and rule
 */
public record SideRun(String side, long seed, CorruptionReport report, double imagesPerSecond, double trainSeconds,
                      long steps, long skipped, double ownClean) {
    public SideRun {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(report, "report");
    }

    /** The cell with the lowest P@1; null without corruptions. */
    public CorruptionReport.Cell worst() {
        return report.cells().stream().min(Comparator.comparingDouble(CorruptionReport.Cell::precisionAt1)).orElse(null);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("side", side);
        m.put("seed", seed);
        m.put("images_per_second", imagesPerSecond);
        m.put("train_seconds", trainSeconds);
        m.put("steps", steps);
        m.put("skipped", skipped);
        m.put("own_rule_clean_p_at_1", ownClean);
        m.put("evaluation", report.toMap());
        return m;
    }
}
