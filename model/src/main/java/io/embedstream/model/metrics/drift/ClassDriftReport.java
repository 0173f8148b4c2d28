package io.embedstream.model.metrics.drift;

import java.util.List;
import java.util.Map;

/**
 * What one window did to a {@link ClassConditionalDrift}.
 *
 * @param classes      one entry per monitored class, ascending label
 * @param unmonitored  reference classes without a detector, with the reason
 */
public record ClassDriftReport(List<ClassResult> classes, Map<Integer, String> unmonitored) {

    public ClassDriftReport {
        classes = List.copyOf(classes);
        unmonitored = Map.copyOf(unmonitored);
    }

    /** Classes whose statistic exceeds their threshold in this window. */
    public List<Integer> drifting() {
        return classes.stream().filter(c -> c.result().drift()).map(ClassResult::label).toList();
    }

    /**
     * One class.
     *
     * @param label       the class
     * @param windowRows  rows of the class in the window
     * @param result      its detector's result (untested when windowRows &lt; b)
     */
    public record ClassResult(int label, int windowRows, ErtMmdResult result) {}
}
