package io.embedstream.model.metrics.drift;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Class-aware drift on one labelled stream: tells a change of class mix (LABEL_SHIFT) apart from a change
 * of the embeddings given the class (DATA_DRIFT), and names the classes whose embeddings drifted
 * (CLASS_DRIFT).
 *
 * <ul>
 *   <li>DATA_DRIFT: an {@link ErtMmdDetector} that draws each step's rows with the reference's class quotas.
 *       It compares class-reweighted distributions: the test sample has the reference's class mix whatever
 *       the window's, so a pure label shift leaves its false-alarm rate at 1/ERT, while drift inside any
 *       class with a quota still moves it. This is chosen over discounting DATA_DRIFT in the alarm logic
 *       whenever LABEL_SHIFT fires, which would go blind to covariate drift exactly when the mix changes.</li>
 *   <li>LABEL_SHIFT: {@link LabelShiftTest}, a chi-square homogeneity test of the window's class counts
 *       against the reference's, with the classes that moved.</li>
 *   <li>CLASS_DRIFT: {@link ClassConditionalDrift}, one ERT detector per class with enough reference rows.</li>
 * </ul>
 *
 * <p>Not thread-safe: one per keyed stream. {@link #state()} /
 * {@link #restore(ClassAwareDriftConfig, ClassAwareDriftState)} checkpoint it without re-running any
 * simulation.
 */
public final class ClassAwareDriftMonitor {
    private final ClassAwareDriftConfig config;
    private final ErtMmdDetector covariate;
    private final LabelShiftTest labelShift;
    private final ClassConditionalDrift classes;

    private ClassAwareDriftMonitor(ClassAwareDriftConfig config, ErtMmdDetector covariate,
                                   ClassConditionalDrift classes) {
        this.config = config;
        this.covariate = covariate;
        this.labelShift = LabelShiftTest.of(config.covariate().reference(), config.labelShift());
        this.classes = classes;
    }

    /** Calibrates the covariate detector and the per-class detectors (the expensive part). */
    public static ClassAwareDriftMonitor calibrate(ClassAwareDriftConfig config) {
        Objects.requireNonNull(config, "config");
        ReferenceSample reference = config.covariate().reference();
        return new ClassAwareDriftMonitor(config, ErtMmdDetector.calibrate(config.covariate()),
                config.classDrift().map(c -> ClassConditionalDrift.calibrate(reference, c)).orElse(null));
    }

    /** Rebuilds from {@link #state()} without re-running any simulation. */
    public static ClassAwareDriftMonitor restore(ClassAwareDriftConfig config, ClassAwareDriftState state) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(state, "state");
        if (config.classDrift().isPresent() != state.classes().isPresent()) {
            throw new IllegalArgumentException("the state " + (state.classes().isPresent() ? "has" : "lacks")
                    + " class-conditional detectors but the configuration " + (config.classDrift().isPresent() ? "asks for" : "has")
                    + (config.classDrift().isPresent() ? " them" : " none"));
        }
        ReferenceSample reference = config.covariate().reference();
        ClassConditionalDrift classes = config.classDrift()
                .map(c -> ClassConditionalDrift.restore(reference, c, state.classes().orElseThrow())).orElse(null);
        return new ClassAwareDriftMonitor(config, ErtMmdDetector.restore(config.covariate(), state.covariate()), classes);
    }

    public ClassAwareDriftConfig config() {
        return config;
    }

    public ErtMmdDetector covariateDetector() {
        return covariate;
    }

    public Optional<ClassConditionalDrift> classDetectors() {
        return Optional.ofNullable(classes);
    }

    /** Re-arms the covariate and class detectors. */
    public void reset() {
        covariate.reset();
        if (classes != null) {
            classes.reset();
        }
    }

    /**
     * Feeds one labelled window.
     *
     * @throws IllegalArgumentException if a row's length is not the reference's d, the labels do not match the
     *                                  rows or a label is negative; the window is checked before any detector
     *                                  moves, so the monitor is then left as it was
     */
    public ClassAwareDriftReport update(float[][] rows, int[] labels) {
        WindowRows.checkLabelled(rows, labels, config.covariate().reference().d());
        ErtMmdResult cov = covariate.update(rows, labels);
        LabelShiftResult shift = labelShift.test(labels);
        Optional<ClassDriftReport> perClass = Optional.ofNullable(classes).map(c -> c.updateChecked(rows, labels));
        Set<DriftKind> flagged = EnumSet.noneOf(DriftKind.class);
        List<String> parts = new ArrayList<>(3);
        if (cov.tested()) {
            if (cov.drift()) {
                flagged.add(DriftKind.DATA_DRIFT);
            }
            parts.add(String.format(Locale.ROOT, "DATA_DRIFT %s: class-stratified MMD^2 %.3g %s threshold %.3g at step %d",
                    cov.drift() ? "flagged" : "not flagged", cov.statistic().getAsDouble(), cov.drift() ? ">" : "<=",
                    cov.threshold(), cov.step()));
        } else {
            parts.add("DATA_DRIFT " + cov.note());
        }
        if (shift.shifted()) {
            flagged.add(DriftKind.LABEL_SHIFT);
        }
        if (shift.tested()) {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "LABEL_SHIFT %s: chi2 %.1f (df %d), p %.3g, total variation %.3f", shift.shifted() ? "flagged" : "not flagged",
                    shift.statistic(), shift.degreesOfFreedom(), shift.pValue(), shift.totalVariation()));
            List<LabelShiftResult.ClassShare> moved = shift.movedClasses(3.0);
            for (int i = 0; i < Math.min(3, moved.size()); i++) {
                LabelShiftResult.ClassShare c = moved.get(i);
                s.append(String.format(Locale.ROOT, "%s class %d %.3f -> %.3f", i == 0 ? "; moved:" : ",", c.label(),
                        c.referenceShare(), c.windowShare()));
            }
            if (!shift.newClasses().isEmpty()) {
                s.append("; new classes ").append(shift.newClasses());
            }
            parts.add(s.toString());
        } else {
            parts.add("LABEL_SHIFT " + shift.note());
        }
        perClass.ifPresent(report -> {
            List<Integer> drifting = report.drifting();
            if (!drifting.isEmpty()) {
                flagged.add(DriftKind.CLASS_DRIFT);
                StringBuilder s = new StringBuilder("CLASS_DRIFT flagged: class");
                for (ClassDriftReport.ClassResult c : report.classes()) {
                    if (c.result().drift()) {
                        s.append(String.format(Locale.ROOT, " %d (MMD^2 %.3g > %.3g)", c.label(),
                                c.result().statistic().getAsDouble(), c.result().threshold()));
                    }
                }
                parts.add(s.toString());
            } else {
                parts.add("CLASS_DRIFT not flagged");
            }
        });
        return new ClassAwareDriftReport(cov, shift, perClass, flagged, String.join("; ", parts));
    }

    public ClassAwareDriftState state() {
        return new ClassAwareDriftState(covariate.state(), Optional.ofNullable(classes).map(ClassConditionalDrift::state));
    }
}
