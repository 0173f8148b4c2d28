package io.embedstream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.eval.KnnEvaluator;
import io.embedstream.model.net.NamedArray;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.testing.TorchScriptFixtures;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fine-tuning a TorchScript backbone: it learns, it resumes bit for bit, and a frozen backbone stays as loaded. */
class TorchScriptTrainingTest {
    private static final int STEPS = 6;

    private static TrainerConfig.Builder config() {
        return TrainerConfig.builder()
                .network(NetworkConfig.builder().architecture("torchscript:" + TorchScriptFixtures.tinyBackbone())
                        .embeddingSize(16).build())
                .optimizer(OptimizerConfig.adamw(1e-4f))
                .schedule(new LearningRateSchedule.CosineWarmup(0.003f, 2, 60, 0.0001f))
                .backboneLearningRateScale(0.5f)
                .device("cpu")
                .seed(3);
    }

    @Test
    void fineTuningRaisesHeldOutAccuracyAboveTheUntrainedBackbone() {
        List<LabeledImage> train = SyntheticShapes.builder().seed(1).build().generate(1500);
        List<LabeledImage> test = SyntheticShapes.builder().seed(2).build().generate(300);
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config().build())) {
            double before = accuracy(trainer, train, test);
            new FitLoop(trainer, 64).run(train, null, 3, 60, null);
            double after = accuracy(trainer, train, test);
            System.out.printf("torchscript backbone kNN@1 held out: before %.3f, after 60 steps %.3f%n", before, after);
            assertTrue(after > 0.9 && 1 - after < 0.5 * (1 - before),
                    "kNN@1 before " + before + ", after 60 steps " + after);
        }
    }

    @Test
    void halfSaveRestoreHalfEqualsStraightRun() {
        List<LabeledImage> pool = RandomImages.batch(96, 10, 28, 3);
        byte[] straight;
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config().build())) {
            for (int i = 0; i < STEPS; i++) {
                assertTrue(trainer.step(batch(trainer, pool)).applied());
            }
            straight = trainer.saveState();
        }
        byte[] half;
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config().build())) {
            for (int i = 0; i < STEPS / 2; i++) {
                trainer.step(batch(trainer, pool));
            }
            half = trainer.saveState();
        }
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config().build())) {
            trainer.restoreState(half);
            for (int i = STEPS / 2; i < STEPS; i++) {
                trainer.step(batch(trainer, pool));
            }
            assertArrayEquals(straight, trainer.saveState(), "parameters, moments, step or RNG differ after restore");
            // The state holds the backbone: its tensors are what the restored trainer trained.
            assertFalse(trainer.model().backboneParameters().isEmpty());
        }
    }

    @Test
    void aFrozenBackboneKeepsItsParametersWhileTheHeadLearns() {
        List<LabeledImage> pool = RandomImages.batch(96, 10, 28, 3);
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config().freezeBackbone(true).build())) {
            List<float[]> backboneBefore = values(trainer.model().backboneParameters());
            List<float[]> allBefore = values(trainer.model().trainableParameters());
            for (int i = 0; i < STEPS; i++) {
                assertTrue(trainer.step(batch(trainer, pool)).applied());
            }
            List<float[]> backboneAfter = values(trainer.model().backboneParameters());
            for (int i = 0; i < backboneBefore.size(); i++) {
                assertArrayEquals(backboneBefore.get(i), backboneAfter.get(i), "backbone tensor " + i + " changed");
            }
            List<float[]> allAfter = values(trainer.model().trainableParameters());
            float[] headBefore = allBefore.get(allBefore.size() - 2);
            float[] headAfter = allAfter.get(allAfter.size() - 2);
            assertFalse(java.util.Arrays.equals(headBefore, headAfter), "the head did not learn");
        }
    }

    @Test
    void freezingOrScalingNeedsATorchScriptBackbone() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.builder().freezeBackbone(true).build());
        assertTrue(e.getMessage().contains("need a TorchScript backbone (torchscript:PATH), not cm-mnist"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.builder().backboneLearningRateScale(0.1f).build());
    }

    private static List<float[]> values(List<NamedArray> arrays) {
        List<float[]> out = new ArrayList<>();
        for (NamedArray a : arrays) {
            out.add(a.array().toFloatArray());
        }
        return out;
    }

    private static TrainingBatch batch(EmbeddingTrainer trainer, List<LabeledImage> pool) {
        List<LabeledImage> batch = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            batch.add(pool.get(trainer.rng().nextInt(pool.size())));
        }
        batch.set(0, pool.get(0));
        batch.set(1, pool.get(1));
        return TrainingBatch.of(batch);
    }

    private static double accuracy(EmbeddingTrainer trainer, List<LabeledImage> train, List<LabeledImage> test) {
        float[][] reference = trainer.model().embed(train, 256);
        float[][] queries = trainer.model().embed(test, 256);
        return new KnnEvaluator(reference, train.stream().mapToInt(LabeledImage::label).toArray())
                .accuracy(queries, test.stream().mapToInt(LabeledImage::label).toArray());
    }
}
