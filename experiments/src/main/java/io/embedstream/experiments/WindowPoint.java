package io.embedstream.experiments;

import java.util.List;

/**
 * One monitoring window of a training run.
 *
 * @param window            0-based window number
 * @param step              training steps attempted at the end of the window, skipped ones included
 * @param probeEffectiveRank RankMe effective rank of the fixed probe set embedded by the current model
 * @param probeCodingRate   coding rate of the probe set's normalised embeddings (nats)
 * @param batchEffectiveRank effective rank of the embeddings of the window's training batches
 * @param loss              mean training loss over the window's steps
 * @param skipReasons       why the trainer skipped each step of the window it skipped (non-finite loss or
 *                          gradient), with the step (counted as {@code step} is), e.g.
 *                          {@code step 14: non-finite loss NaN (ldmat NaN)}
 * @param alarms            alarm transitions the detector raised or cleared at this window, e.g.
 *                          {@code EFFECTIVE_RANK_COLLAPSE RAISED}
 */
public record WindowPoint(int window, long step, double probeEffectiveRank, double probeCodingRate,
                          double batchEffectiveRank, double loss, List<String> skipReasons, List<String> alarms) {

    public WindowPoint {
        skipReasons = List.copyOf(skipReasons);
        alarms = List.copyOf(alarms);
    }

    /** Steps of the window the trainer skipped. */
    public int skippedSteps() {
        return skipReasons.size();
    }
}
