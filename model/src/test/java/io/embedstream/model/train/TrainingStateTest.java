package io.embedstream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.types.LabeledImage;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.net.NetworkConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Saving and restoring the training state continues bit for bit, as if training had never stopped. */
class TrainingStateTest {
    private static final int STEPS = 6;

    private static TrainerConfig config(OptimizerConfig.Type type) {
        OptimizerConfig optimizer = type == OptimizerConfig.Type.SGD
                ? OptimizerConfig.sgd(0.9f, 5e-4f) : OptimizerConfig.adamw(1e-4f);
        return TrainerConfig.builder()
                .network(NetworkConfig.builder().embeddingSize(32).build())
                .objective(ObjectiveConfig.builder().antiCollapseFeaturesWeight(0.5f).build())
                .optimizer(optimizer)
                // AdamW's usual rate is ten times lower than SGD's; at 0.01 this network diverges within a few steps.
                .schedule(new LearningRateSchedule.CosineWarmup(type == OptimizerConfig.Type.SGD ? 0.01f : 0.001f,
                        2, STEPS, 0.0001f))
                .device("cpu")
                .seed(7)
                .build();
    }

    /** A batch drawn with the trainer's own RNG, so the sampler's position is part of the state too. */
    private static TrainingBatch nextBatch(EmbeddingTrainer trainer, List<LabeledImage> pool) {
        List<LabeledImage> batch = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            batch.add(pool.get(trainer.rng().nextInt(pool.size())));
        }
        if (batch.stream().mapToInt(LabeledImage::label).distinct().count() < 2) {
            batch.set(0, pool.get(0));
            batch.set(1, pool.get(1));
        }
        return TrainingBatch.of(batch);
    }

    @ParameterizedTest
    @EnumSource(OptimizerConfig.Type.class)
    void halfSaveRestoreHalfEqualsStraightRun(OptimizerConfig.Type type) {
        List<LabeledImage> pool = RandomImages.batch(96, 10, 28, 3);
        byte[] straight;
        long straightStep;
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config(type))) {
            for (int i = 0; i < STEPS; i++) {
                StepResult r = trainer.step(nextBatch(trainer, pool));
                assertTrue(r.applied(), "step " + i + " skipped: " + r.skipReason());
            }
            straight = trainer.saveState();
            straightStep = trainer.step();
        }
        byte[] half;
        try (EmbeddingTrainer first = EmbeddingTrainer.create(config(type))) {
            for (int i = 0; i < STEPS / 2; i++) {
                first.step(nextBatch(first, pool));
            }
            half = first.saveState();
        }
        byte[] resumed;
        // A fresh trainer (fresh NDManager, different seed for its initial values) takes the saved state.
        try (EmbeddingTrainer second = EmbeddingTrainer.create(config(type).toBuilder().seed(99).build())) {
            second.restoreState(half);
            assertEquals(STEPS / 2, second.step());
            for (int i = 0; i < STEPS / 2; i++) {
                second.step(nextBatch(second, pool));
            }
            resumed = second.saveState();
            assertEquals(straightStep, second.step());
        }
        assertArrayEquals(straight, resumed, "parameters, moments, step and RNG must be identical");
    }

    @Test
    void trainsFromAFreshThreadAfterTheEngineWasLoadedElsewhere() throws Exception {
        // Flink restarts a task in a new thread, where PyTorch's grad mode is on by default.
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config(OptimizerConfig.Type.SGD))) {
            List<LabeledImage> pool = RandomImages.batch(24, 4, 28, 5);
            StepResult[] result = new StepResult[1];
            Throwable[] failure = new Throwable[1];
            Thread thread = new Thread(() -> {
                try {
                    result[0] = trainer.step(TrainingBatch.of(pool));
                    trainer.model().embed(pool, 8);
                } catch (Throwable t) {
                    failure[0] = t;
                }
            });
            thread.start();
            thread.join();
            if (failure[0] != null) {
                throw new AssertionError("step from a new thread failed", failure[0]);
            }
            assertTrue(result[0].applied());
        }
    }

    @Test
    void stateOfAnotherArchitectureIsRefusedWithAClearMessage() {
        byte[] state;
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config(OptimizerConfig.Type.SGD))) {
            state = trainer.saveState();
        }
        TrainerConfig other = config(OptimizerConfig.Type.SGD).toBuilder()
                .network(NetworkConfig.builder().embeddingSize(16).build()).build();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(other)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.restoreState(state));
            assertTrue(e.getMessage().contains("saved for"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> trainer.restoreState(new byte[] {1, 2, 3}));
        }
    }

    @Test
    void nonFiniteStepIsSkippedCountedAndNeverApplied() {
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config(OptimizerConfig.Type.SGD))) {
            List<LabeledImage> pool = RandomImages.batch(24, 4, 28, 5);
            trainer.step(TrainingBatch.of(pool));
            // Poison one parameter: every output, loss and gradient becomes NaN.
            var firstWeight = trainer.model().trainableParameters().get(0).array();
            float[] poisoned = firstWeight.toFloatArray();
            poisoned[0] = Float.NaN;
            firstWeight.set(poisoned);
            byte[] before = trainer.model().parametersToBytes();
            StepResult result = trainer.step(TrainingBatch.of(pool));
            assertFalse(result.applied());
            assertTrue(result.skipReason().startsWith("non-finite"), result.skipReason());
            assertTrue(result.skipReason().contains("cm NaN"), "names the term that went non-finite: "
                    + result.skipReason());
            assertEquals(1, trainer.step());
            assertEquals(1, trainer.skippedSteps());
            assertArrayEquals(before, trainer.model().parametersToBytes(), "a skipped step must not change parameters");
        }
    }
}
