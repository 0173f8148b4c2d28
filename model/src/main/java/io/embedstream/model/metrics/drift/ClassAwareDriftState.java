package io.embedstream.model.metrics.drift;

import java.util.Objects;
import java.util.Optional;

/** Checkpoint of a {@link ClassAwareDriftMonitor}; the label-shift test keeps no state. */
public record ClassAwareDriftState(ErtMmdState covariate, Optional<ClassDriftState> classes) {

    public ClassAwareDriftState {
        Objects.requireNonNull(covariate, "covariate");
        Objects.requireNonNull(classes, "classes");
    }
}
