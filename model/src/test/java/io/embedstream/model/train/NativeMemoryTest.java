package io.embedstream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embedstream.model.net.NetworkConfig;
import org.junit.jupiter.api.Test;

/**
 * Every NDArray a step creates is closed with the step: the number of live arrays in the model's manager
 * stays constant over many steps (a leak of one array per step would show as growth here).
 */
class NativeMemoryTest {
    @Test
    void stepsDoNotAccumulateNativeArrays() {
        TrainerConfig config = TrainerConfig.builder()
                .network(NetworkConfig.builder().embeddingSize(32).build())
                .objective(io.embedstream.model.loss.ObjectiveConfig.builder()
                        .antiCollapseFeaturesWeight(1f).build())
                .optimizer(OptimizerConfig.adamw(1e-4f))
                .learningRate(1e-3f)
                .device("cpu").build();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            TrainingBatch batch = TrainingBatch.of(RandomImages.batch(16, 4, 28, 2));
            trainer.step(batch);
            int afterWarmup = trainer.model().manager().getManagedArrays().size();
            for (int i = 0; i < 60; i++) {
                trainer.step(batch);
            }
            trainer.model().embed(batch.images(), 8);
            assertEquals(afterWarmup, trainer.model().manager().getManagedArrays().size());
        }
    }
}
