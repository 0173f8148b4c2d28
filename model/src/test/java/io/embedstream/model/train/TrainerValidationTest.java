package io.embedstream.model.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.types.LabeledImage;
import io.embedstream.model.loss.AntiCollapseLoss;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.net.NetworkConfig;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad configuration and bad batches get a message that says what is wrong, not a stack trace from DJL. */
class TrainerValidationTest {

    private static void assertMessage(String expected, Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
    }

    @Test
    void badConfigurationIsRefused() {
        assertMessage("unknown anti-collapse mode 'pairs'", () -> AntiCollapseLoss.Mode.parse("pairs"));
        assertMessage("must be a finite number >= 0", () -> ObjectiveConfig.builder().ldmatWeight(-1).build());
        assertMessage("every loss weight is 0", () -> ObjectiveConfig.builder().cmWeight(0).ldmatWeight(0)
                .antiCollapseProxiesWeight(0).build());
        assertMessage("embedding size must be positive", () -> NetworkConfig.builder().embeddingSize(0).build());
        assertMessage("unknown optimizer 'rmsprop'", () -> OptimizerConfig.Type.parse("rmsprop"));
        assertMessage("unknown learning-rate schedule", () -> LearningRateSchedule.parse("linear", 0.1f, 10));
        assertMessage("unknown device", () -> Devices.parse("tpu"));
        assertMessage("at least 2 classes", () -> TrainerConfig.builder().classes(1).build());
    }

    @Test
    void badBatchesAreRefused() {
        TrainerConfig config = TrainerConfig.builder()
                .network(NetworkConfig.builder().embeddingSize(16).build()).maxClasses(10).device("cpu").build();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            List<LabeledImage> oneClass = RandomImages.batch(8, 1, 28, 1);
            assertMessage("LDMAT needs at least two classes", () -> trainer.step(TrainingBatch.of(oneClass)));
            List<LabeledImage> small = RandomImages.batch(8, 2, 16, 1);
            assertMessage("but the network expects 28x28x1", () -> trainer.step(TrainingBatch.of(small)));
            List<LabeledImage> outOfRange = RandomImages.batch(8, 2, 28, 1).stream()
                    .map(i -> new LabeledImage(i.id(), i.label() + 10, 28, 28, 1, i.pixels()))
                    .collect(Collectors.toList());
            // Labels beyond the classes in use grow the class weights; beyond classes.max they are refused.
            assertMessage("outside [0, 10) (classes.max)", () -> trainer.step(TrainingBatch.of(outOfRange)));
            assertMessage("at least one image", () -> trainer.step(TrainingBatch.of(List.of())));
        }
    }
}
