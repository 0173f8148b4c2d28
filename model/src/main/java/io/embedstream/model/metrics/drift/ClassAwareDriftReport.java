package io.embedstream.model.metrics.drift;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one window did to a {@link ClassAwareDriftMonitor}.
 *
 * @param covariate   the class-stratified ERT MMD detector's result (DATA_DRIFT)
 * @param labelShift  the label-shift test (LABEL_SHIFT)
 * @param classes     the per-class detectors (CLASS_DRIFT), when configured
 * @param flagged     the kinds this window flags: DATA_DRIFT when the covariate statistic exceeds its
 *                    threshold, LABEL_SHIFT when the class mix moved, CLASS_DRIFT when a class detector's
 *                    statistic exceeds its threshold
 * @param summary     one line with the figures behind each flag, naming classes
 */
public record ClassAwareDriftReport(ErtMmdResult covariate, LabelShiftResult labelShift,
                                    Optional<ClassDriftReport> classes, Set<DriftKind> flagged, String summary) {

    public ClassAwareDriftReport {
        Objects.requireNonNull(covariate, "covariate");
        Objects.requireNonNull(labelShift, "labelShift");
        Objects.requireNonNull(classes, "classes");
        flagged = Set.copyOf(flagged);
        Objects.requireNonNull(summary, "summary");
    }
}
