package io.embedstream.model.metrics.drift;

import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of a {@link ClassAwareDriftMonitor}. {@link #defaults(ReferenceSample)} gives a covariate
 * detector stratified by class with the {@link ErtMmdConfig} defaults, a label-shift test at alpha = 1/ERT
 * and per-class detectors whose family ERT equals the covariate ERT.
 *
 * @param covariate   the covariate detector; must stratify by class, or a new class mix would raise DATA_DRIFT
 * @param labelShift  the label-shift test
 * @param classDrift  per-class detectors, or empty to skip class-conditional drift
 */
public record ClassAwareDriftConfig(ErtMmdConfig covariate, LabelShiftConfig labelShift,
                                    Optional<ClassDriftConfig> classDrift) {

    public ClassAwareDriftConfig {
        Objects.requireNonNull(covariate, "covariate");
        Objects.requireNonNull(labelShift, "labelShift");
        Objects.requireNonNull(classDrift, "classDrift");
        if (!covariate.stratifyByClass()) {
            throw new IllegalArgumentException("the covariate detector of a class-aware monitor must stratify by class; "
                    + "otherwise a new class mix raises DATA_DRIFT");
        }
    }

    /** Defaults on a labelled reference. */
    public static ClassAwareDriftConfig defaults(ReferenceSample reference) {
        return of(ErtMmdConfig.builder(reference).stratifyByClass(true).build());
    }

    /** The given covariate detector, label shift at alpha = 1/ERT, per-class detectors at family ERT = ERT. */
    public static ClassAwareDriftConfig of(ErtMmdConfig covariate) {
        return new ClassAwareDriftConfig(covariate, LabelShiftConfig.forExpectedRunTime(covariate.expectedRunTime()),
                Optional.of(ClassDriftConfig.defaults().withFamilyExpectedRunTime(covariate.expectedRunTime())
                        .withSeed(covariate.seed())));
    }

    public ClassAwareDriftConfig withClassDrift(ClassDriftConfig v) {
        return new ClassAwareDriftConfig(covariate, labelShift, Optional.of(v));
    }

    public ClassAwareDriftConfig withoutClassDrift() {
        return new ClassAwareDriftConfig(covariate, labelShift, Optional.empty());
    }
}
