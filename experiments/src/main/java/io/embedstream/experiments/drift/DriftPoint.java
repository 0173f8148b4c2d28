package io.embedstream.experiments.drift;

import io.embedstream.model.metrics.drift.ClassAwareDriftReport;
import io.embedstream.model.metrics.drift.DriftKind;
import io.embedstream.model.metrics.drift.ErtMmdResult;
import io.embedstream.model.metrics.drift.LabelShiftResult;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What the monitor said about one window of the stream.
 *
 * @param window            index of the window in the stream, 0-based; the switch happens before window
 *                          {@code stationary windows}
 * @param afterSwitch       windows since the switch: 0 for the first window after it, -1 before it
 * @param shiftedShare      share of the window's rows from the new distribution
 * @param statistic         the class-stratified covariate detector's MMD^2 (DATA_DRIFT); empty when the window was
 *                          not tested
 * @param threshold         its threshold at that step
 * @param flagged           the kinds the monitor flagged on this window
 * @param labelShiftP       p-value of the label-shift test (1 when not tested)
 * @param labelTotalVariation total variation between the window's class mix and the reference's
 * @param driftingClasses   classes whose own detector alarmed on this window (CLASS_DRIFT)
 * @param summary           the monitor's line for this window
 */
public record DriftPoint(int window, int afterSwitch, double shiftedShare, OptionalDouble statistic, double threshold,
                         Set<DriftKind> flagged, double labelShiftP, double labelTotalVariation,
                         List<Integer> driftingClasses, String summary) {

    public DriftPoint {
        Objects.requireNonNull(statistic, "statistic");
        flagged = Set.copyOf(flagged);
        driftingClasses = List.copyOf(driftingClasses);
        Objects.requireNonNull(summary, "summary");
    }

    static DriftPoint of(int window, int afterSwitch, StreamWindow w, ClassAwareDriftReport r) {
        ErtMmdResult cov = r.covariate();
        LabelShiftResult shift = r.labelShift();
        List<Integer> drifting = r.classes().map(c -> c.drifting()).orElse(List.of());
        return new DriftPoint(window, afterSwitch, w.shiftedShare(), cov.statistic(), cov.threshold(), r.flagged(),
                shift.pValue(), shift.totalVariation(), drifting, r.summary());
    }

    public boolean flagged(DriftKind kind) {
        return flagged.contains(kind);
    }

    /** Whether the covariate detector tested this window. */
    public boolean tested() {
        return statistic.isPresent();
    }
}
