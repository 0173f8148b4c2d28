package io.embedstream.model.metrics;

import java.util.Objects;

/**
 * A change of an alarm's state, emitted by {@link CollapseDriftDetector}.
 *
 * @param kind         what the alarm is about
 * @param state        RAISED or CLEARED
 * @param observation  0-based index of the observation (window, or probe comparison for VERSION_DRIFT)
 *                     that caused the transition
 * @param reason       human-readable explanation with the figures that caused it
 */
public record AlarmEvent(AlarmKind kind, AlarmState state, long observation, String reason) {

    public AlarmEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
    }
}
