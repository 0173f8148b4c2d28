package io.embedstream.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.StepResult;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.model.train.TrainingBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The residual architecture trains on larger RGB inputs, and its batch-norm statistics are part of the state. */
class ResidualNetworkTest {
    @Test
    void trainsOnRgb64AndSavesBatchNormStatistics() {
        NetworkConfig network = NetworkConfig.builder().architecture(Architecture.RESNET).inputSize(64, 64, 3)
                .embeddingSize(64).inputNormalization(0.5f, 0.25f).build();
        List<LabeledImage> images = SyntheticShapes.builder().size(64, 64).channels(3).seed(4).build().generate(16);
        TrainerConfig config = TrainerConfig.builder().network(network).device("cpu").build();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            byte[] before = trainer.model().parametersToBytes();
            StepResult result = trainer.step(TrainingBatch.of(images));
            assertTrue(result.applied(), String.valueOf(result.skipReason()));
            assertEquals(16 * 64, result.embeddings().length);
            assertTrue(trainer.model().allParameters().stream().anyMatch(p -> p.name().contains("runningMean")),
                    "batch-norm running statistics are saved with the parameters");
            assertTrue(!java.util.Arrays.equals(before, trainer.model().parametersToBytes()));
            float[][] e = trainer.model().embed(images, 8);
            assertEquals(64, e[0].length);
        }
    }
}
