package io.embedstream.experiments.drift;

import io.embedstream.model.metrics.drift.ClassAwareDriftMonitor;
import io.embedstream.model.metrics.drift.ClassAwareDriftReport;
import io.embedstream.model.metrics.drift.ClassAwareDriftState;
import io.embedstream.model.random.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs the stream of one seed through a calibrated {@link ClassAwareDriftMonitor}: first the stationary windows,
 * then, for each scenario, the windows after the switch. The scenarios share the stationary part: the monitor's
 * state after it is exported once and each scenario continues from a restored copy
 * ({@link ClassAwareDriftMonitor#restore}), as if the stream forked at the switch. So a seed has one set of false
 * alarms before the switch, whatever the scenario, and the scenarios are compared on the same detector.
 */
public final class DriftRun {

    /**
     * The shape of the stream.
     *
     * @param stationaryWindows windows before the switch (each tested, so each a chance of a false alarm)
     * @param windowsAfter      windows after the switch, per scenario
     * @param gradualWindows    G: a gradual switch reaches the new distribution only after G windows
     * @param shiftClasses      label shift: the classes that take {@code shiftShare} of the rows after the switch
     * @param shiftShare        label shift: their share together
     * @param scenarios         the scenarios to run
     */
    public record Plan(int stationaryWindows, int windowsAfter, int gradualWindows, List<Integer> shiftClasses,
                       double shiftShare, List<DriftScenario> scenarios) {
        public Plan {
            shiftClasses = List.copyOf(shiftClasses);
            scenarios = List.copyOf(scenarios);
            if (stationaryWindows < 1 || windowsAfter < 1 || gradualWindows < 1) {
                throw new IllegalArgumentException("need at least 1 stationary window, 1 window after the switch and"
                        + " G >= 1, got " + stationaryWindows + ", " + windowsAfter + ", " + gradualWindows);
            }
            if (scenarios.isEmpty()) {
                throw new IllegalArgumentException("no scenario to run");
            }
            if (scenarios.contains(DriftScenario.LABEL_SHIFT) && (shiftClasses.isEmpty() || !(shiftShare > 0 && shiftShare <= 1))) {
                throw new IllegalArgumentException("label shift needs at least one class and a share in (0, 1], got "
                        + shiftClasses + " and " + shiftShare);
            }
        }
    }

    private DriftRun() {}

    /**
     * @param monitor    freshly calibrated on a reference drawn from the same distribution as {@code before}
     * @param before     the distribution before the switch (rows not in the reference)
     * @param after      the distribution after an abrupt or gradual switch (null if only label shift is run)
     * @param windowSize rows per window
     * @param seed       seed of the stream (each scenario derives its own sampler from it)
     * @param progress   receives a line per flagged window and per scenario
     */
    public static List<DriftScenarioResult> run(ClassAwareDriftMonitor monitor, EmbeddingPool before, EmbeddingPool after,
                                                int windowSize, Plan plan, long seed, Consumer<String> progress) {
        Objects.requireNonNull(monitor, "monitor");
        Objects.requireNonNull(plan, "plan");
        if (after == null && (plan.scenarios().contains(DriftScenario.ABRUPT) || plan.scenarios().contains(DriftScenario.GRADUAL))) {
            throw new IllegalArgumentException("the abrupt and gradual scenarios need a second distribution");
        }
        Map<Integer, Double> labelMix = plan.scenarios().contains(DriftScenario.LABEL_SHIFT)
                ? DriftStream.concentratedMix(before.classCounts().keySet(), plan.shiftClasses(), plan.shiftShare()) : null;

        DriftStream prefix = new DriftStream(before.withSeed(mix(seed, 1)), null, windowSize, mix(seed, 2));
        List<DriftPoint> stationary = new ArrayList<>();
        for (int i = 0; i < plan.stationaryWindows(); i++) {
            StreamWindow w = prefix.stationary();
            DriftPoint p = DriftPoint.of(i, -1, w, monitor.update(w.rows(), w.labels()));
            stationary.add(p);
            if (!p.flagged().isEmpty()) {
                progress.accept(String.format(Locale.ROOT, "seed %d, window %d (before the switch): %s", seed, i, p.summary()));
            }
        }
        progress.accept(String.format(Locale.ROOT, "seed %d: %d windows before the switch, %d with an alarm", seed,
                stationary.size(), stationary.stream().filter(p -> !p.flagged().isEmpty()).count()));
        ClassAwareDriftState atSwitch = monitor.state();

        List<DriftScenarioResult> results = new ArrayList<>();
        for (DriftScenario scenario : plan.scenarios()) {
            ClassAwareDriftMonitor forked = ClassAwareDriftMonitor.restore(monitor.config(), atSwitch);
            long s = mix(seed, 10 + scenario.ordinal());
            DriftStream stream = new DriftStream(before.withSeed(mix(s, 1)), after == null ? null : after.withSeed(mix(s, 2)),
                    windowSize, mix(s, 3));
            List<DriftPoint> points = new ArrayList<>();
            for (int k = 0; k < plan.windowsAfter(); k++) {
                StreamWindow w = switch (scenario) {
                    case ABRUPT -> stream.mixed(windowSize);
                    case GRADUAL -> stream.mixed(DriftStream.gradualShiftedRows(k, plan.gradualWindows(), windowSize));
                    case LABEL_SHIFT -> stream.classMix(labelMix);
                };
                ClassAwareDriftReport r = forked.update(w.rows(), w.labels());
                DriftPoint p = DriftPoint.of(plan.stationaryWindows() + k, k, w, r);
                points.add(p);
                if (!p.flagged().isEmpty() && (k < 3 || points.stream().filter(q -> !q.flagged().isEmpty()).count() == 1)) {
                    progress.accept(String.format(Locale.ROOT, "seed %d, %s, window %d after the switch (new rows %.0f%%): %s",
                            seed, scenario.key(), k, 100 * w.shiftedShare(), p.summary()));
                }
            }
            results.add(new DriftScenarioResult(scenario, seed, stationary, points));
        }
        return results;
    }

    private static long mix(long seed, long salt) {
        return Rng.mix(seed * 0x9E3779B97F4A7C15L + salt * 0xD1B54A32D192ED03L);
    }
}
