package io.embedstream.experiments;

import io.embedstream.model.train.TrainerConfig;
import java.util.Objects;

/**
 * One training run of an experiment.
 *
 * @param configuration name of the configuration, for tables and plots
 * @param trainer       the trainer configuration (objective, optimiser, seed...)
 * @param batchSize     images per step
 * @param epochs        passes over the training images
 * @param maxSteps      stop after this many steps; 0 = run all epochs
 * @param windowSteps   steps per monitoring window (probe embedding, window metrics, detector)
 * @param oneClassFrom  from this step on the stream holds only class {@link #ONE_CLASS_LABEL} (a stream that
 *                      turns into one class); -1 = never
 */
public record RunSpec(String configuration, TrainerConfig trainer, int batchSize, int epochs, long maxSteps,
                      int windowSteps, long oneClassFrom) {
    public static final int ONE_CLASS_LABEL = 0;

    public RunSpec {
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(trainer, "trainer");
        if (batchSize < 2 || epochs < 1 || maxSteps < 0 || windowSteps < 1) {
            throw new IllegalArgumentException("need batch >= 2, epochs >= 1, steps >= 0 and window steps >= 1, got "
                    + batchSize + ", " + epochs + ", " + maxSteps + ", " + windowSteps);
        }
        if (oneClassFrom >= 0 && trainer.objective().needsTwoClasses()) {
            throw new IllegalArgumentException("configuration " + configuration + " uses LDMAT, which needs two"
                    + " classes per batch; it cannot train on a one-class stream");
        }
    }
}
