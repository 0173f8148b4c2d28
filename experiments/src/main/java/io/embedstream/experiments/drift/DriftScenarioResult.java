package io.embedstream.experiments.drift;

import io.embedstream.model.metrics.drift.DriftKind;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One scenario of one seed: the stationary windows (shared by the scenarios of a seed) and the windows after the
 * switch, with the figures the experiment reports. A detection delay counts windows from the first window after
 * the switch: delay 0 is an alarm on that very window, delay 2 on the third.
 *
 * @param scenario    how the stream changed
 * @param seed        the seed of model, reference, stream and detectors
 * @param stationary  the windows before the switch
 * @param after       the windows after the switch
 */
public record DriftScenarioResult(DriftScenario scenario, long seed, List<DriftPoint> stationary, List<DriftPoint> after) {

    public DriftScenarioResult {
        Objects.requireNonNull(scenario, "scenario");
        stationary = List.copyOf(stationary);
        after = List.copyOf(after);
    }

    /** Index of the first window after the switch (= the number of stationary windows). */
    public int switchWindow() {
        return stationary.size();
    }

    /** Windows before the switch on which {@code kind} was flagged: false alarms. */
    public int falseAlarms(DriftKind kind) {
        return (int) stationary.stream().filter(p -> p.flagged(kind)).count();
    }

    /** Windows before the switch on which any kind was flagged. */
    public int windowsWithFalseAlarms() {
        return (int) stationary.stream().filter(p -> !p.flagged().isEmpty()).count();
    }

    /** Windows after the switch until {@code kind} is first flagged (0 = the first window after it); empty if never. */
    public OptionalInt delay(DriftKind kind) {
        for (DriftPoint p : after) {
            if (p.flagged(kind)) {
                return OptionalInt.of(p.afterSwitch());
            }
        }
        return OptionalInt.empty();
    }

    /** Windows after the switch on which {@code kind} was flagged. */
    public int flaggedAfter(DriftKind kind) {
        return (int) after.stream().filter(p -> p.flagged(kind)).count();
    }

    /** Windows before the switch that the covariate detector could not test. */
    public int untestedStationary() {
        return (int) stationary.stream().filter(p -> !p.tested()).count();
    }

    /** Windows after the switch that the covariate detector could not test. */
    public int untestedAfter() {
        return (int) after.stream().filter(p -> !p.tested()).count();
    }
}
