package io.embedstream.model.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.eval.KnnEvaluator;
import io.embedstream.model.net.NetworkConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default objective learns: held-out kNN@1 on the synthetic shapes rises within a few steps. */
class FitLoopLearnsTest {
    @Test
    void heldOutNearestNeighbourAccuracyRises() {
        List<LabeledImage> train = SyntheticShapes.builder().seed(1).build().generate(1500);
        List<LabeledImage> test = SyntheticShapes.builder().seed(2).build().generate(300);
        TrainerConfig config = TrainerConfig.builder()
                .network(NetworkConfig.builder().embeddingSize(32).build())
                .device("cpu").build();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            double before = accuracy(trainer, train, test);
            new FitLoop(trainer, 64).run(train, null, 3, 60, null);
            double after = accuracy(trainer, train, test);
            // Random convolutional features already separate the synthetic shapes fairly well (about 0.89);
            // training must at least halve the error and reach 0.95.
            assertTrue(after > 0.95 && 1 - after < 0.5 * (1 - before),
                    "kNN@1 before " + before + ", after 60 steps " + after);
        }
    }

    private static double accuracy(EmbeddingTrainer trainer, List<LabeledImage> train, List<LabeledImage> test) {
        float[][] reference = trainer.model().embed(train, 256);
        float[][] queries = trainer.model().embed(test, 256);
        return new KnnEvaluator(reference, train.stream().mapToInt(LabeledImage::label).toArray())
                .accuracy(queries, test.stream().mapToInt(LabeledImage::label).toArray());
    }
}
