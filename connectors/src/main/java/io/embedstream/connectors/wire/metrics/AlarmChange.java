package io.embedstream.connectors.wire.metrics;

import java.util.Objects;

/**
 * An alarm that was raised or cleared in a window (an element of {@code alarms}).
 *
 * @param kind   what the alarm is about: {@code EFFECTIVE_RANK_COLLAPSE}, {@code CODING_RATE_DROP},
 *               {@code DATA_DRIFT}, {@code VERSION_DRIFT} (text, so that a reader accepts kinds added later)
 * @param state  {@link #RAISED} or {@link #CLEARED}
 * @param reason the figures that caused the change, for people
 */
public record AlarmChange(String kind, String state, String reason) {
    public static final String RAISED = "RAISED";
    public static final String CLEARED = "CLEARED";

    public AlarmChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
    }

    public boolean raised() {
        return RAISED.equals(state);
    }
}
