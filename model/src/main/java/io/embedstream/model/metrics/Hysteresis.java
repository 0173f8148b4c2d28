package io.embedstream.model.metrics;

/**
 * Raise after {@code raiseAfter} consecutive bad observations, clear after {@code clearAfter} consecutive
 * good ones, so a single noisy window neither raises nor clears an alarm. Mutable; owned by one detector.
 */
final class Hysteresis {
    int consecutiveBad;
    int consecutiveGood;
    boolean raised;

    /** Records one observation; returns the new state when it changed, otherwise null. */
    AlarmState update(boolean bad, int raiseAfter, int clearAfter) {
        if (bad) {
            consecutiveBad++;
            consecutiveGood = 0;
            if (!raised && consecutiveBad >= raiseAfter) {
                raised = true;
                return AlarmState.RAISED;
            }
        } else {
            consecutiveGood++;
            consecutiveBad = 0;
            if (raised && consecutiveGood >= clearAfter) {
                raised = false;
                return AlarmState.CLEARED;
            }
        }
        return null;
    }
}
