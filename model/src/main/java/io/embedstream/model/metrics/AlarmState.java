package io.embedstream.model.metrics;

/** Transition of an alarm: it is raised, or it is cleared after having been raised. */
public enum AlarmState {
    RAISED,
    CLEARED
}
