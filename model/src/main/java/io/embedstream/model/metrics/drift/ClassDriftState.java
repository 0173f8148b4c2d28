package io.embedstream.model.metrics.drift;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Checkpoint of a {@link ClassConditionalDrift}: one {@link ErtMmdState} per monitored class. */
public record ClassDriftState(Map<Integer, ErtMmdState> classes) {

    public ClassDriftState {
        classes = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(classes, "classes")));
    }
}
