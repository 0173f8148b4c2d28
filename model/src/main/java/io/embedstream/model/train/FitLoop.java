package io.embedstream.model.train;

import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Offline training over a fixed dataset: each epoch is a shuffle (with the trainer's checkpointed RNG) cut
 * into batches. The trainer-only baseline that the streaming pipeline is compared with.
 */
public final class FitLoop {
    private final EmbeddingTrainer trainer;
    private final int batchSize;

    public FitLoop(EmbeddingTrainer trainer, int batchSize) {
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be at least 2, got " + batchSize);
        }
        this.trainer = trainer;
        this.batchSize = batchSize;
    }

    /** Called after every step. */
    @FunctionalInterface
    public interface Listener {
        void onStep(int epoch, long stepInEpoch, long stepsPerEpoch, StepResult result);
    }

    /** Full batches per epoch (the remainder of a shuffle is left out of that epoch). */
    public static long stepsPerEpoch(int datasetSize, int batchSize) {
        return Math.max(1, datasetSize / batchSize);
    }

    /**
     * Trains for {@code epochs} passes or until {@code maxSteps} updates in total (0 = no limit).
     *
     * @param qualities per-image quality aligned with {@code data}, or null
     * @return steps run
     */
    public long run(List<LabeledImage> data, float[] qualities, int epochs, long maxSteps, Listener listener) {
        if (data.size() < batchSize) {
            throw new IllegalArgumentException("dataset has " + data.size() + " images, fewer than one batch of "
                    + batchSize);
        }
        long steps = 0;
        long perEpoch = stepsPerEpoch(data.size(), batchSize);
        for (int epoch = 0; epoch < epochs; epoch++) {
            int[] order = trainer.rng().permutation(data.size());
            for (long b = 0; b < perEpoch; b++) {
                if (maxSteps > 0 && steps >= maxSteps) {
                    return steps;
                }
                List<LabeledImage> images = new ArrayList<>(batchSize);
                float[] q = qualities == null ? null : new float[batchSize];
                for (int i = 0; i < batchSize; i++) {
                    int index = order[(int) (b * batchSize + i)];
                    images.add(data.get(index));
                    if (q != null) {
                        q[i] = qualities[index];
                    }
                }
                StepResult result = trainer.step(new TrainingBatch(images, q));
                steps++;
                if (listener != null) {
                    listener.onStep(epoch, b + 1, perEpoch, result);
                }
            }
        }
        return steps;
    }
}
