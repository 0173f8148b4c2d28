package io.embedstream.experiments;

import io.embedstream.model.eval.CorruptionReport;
import io.embedstream.model.eval.EvaluationReport;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one training run of an experiment produced.
 *
 * @param configuration    the configuration's name (e.g. "cm+ldmat")
 * @param seed             the trainer's seed (initialisation and sampling)
 * @param steps            training steps applied
 * @param skippedSteps     steps the trainer skipped
 * @param trainSeconds     wall time of training, monitoring included
 * @param imagesPerSecond  training images per second of that wall time
 * @param evaluation       the final model's evaluation on the test split; empty when the model's embeddings are
 *                         not finite (a diverged run)
 * @param note             why the evaluation is missing, or empty
 * @param corruptions      P@1 under the unseen corruptions; empty when none were asked for or the evaluation is
 *                         missing
 * @param windows          the monitoring series
 * @param firstAlarmWindow first window at which a collapse alarm (effective rank or coding rate) was raised
 */
public record RunResult(String configuration, long seed, long steps, long skippedSteps, double trainSeconds,
                        double imagesPerSecond, Optional<EvaluationReport> evaluation, String note,
                        Optional<CorruptionReport> corruptions, List<WindowPoint> windows,
                        OptionalInt firstAlarmWindow) {

    public RunResult {
        windows = List.copyOf(windows);
    }
}
