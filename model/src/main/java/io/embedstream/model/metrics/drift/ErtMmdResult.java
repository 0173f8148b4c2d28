package io.embedstream.model.metrics.drift;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What one stream window did to an {@link ErtMmdDetector}.
 *
 * @param step            t, the number of windows tested since the detector was calibrated or reset
 *                        (this window included when it was tested); an untested window does not advance it
 * @param statistic       unbiased MMD^2 between the comparison part of the reference and the test window (the
 *                        subsamples of the last W tested windows); empty when this window could not be
 *                        tested, and {@link #note()} says why
 * @param threshold       the threshold that applies at step t (per step for t &lt; W, constant afterwards)
 * @param drift           the statistic exceeds the threshold at this step
 * @param firstDetection  the first step whose statistic exceeded its threshold since calibration or
 *                        {@link ErtMmdDetector#reset()}: the run length, latched until reset
 * @param note            empty, or why the window was not tested / what the sampler had to do (rows drawn
 *                        twice because a class was short in the window)
 */
public record ErtMmdResult(long step, OptionalDouble statistic, double threshold, boolean drift,
                           OptionalLong firstDetection, String note) {

    public ErtMmdResult {
        Objects.requireNonNull(statistic, "statistic");
        Objects.requireNonNull(firstDetection, "firstDetection");
        Objects.requireNonNull(note, "note");
    }

    /** Whether this window was tested. */
    public boolean tested() {
        return statistic.isPresent();
    }
}
