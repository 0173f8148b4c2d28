package io.embedstream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.types.LabeledImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CM class weights grow as classes arrive (issue 16): in chunks, without touching the rows in use, a new row
 * imprinted from its class's embeddings (or drawn), rows not yet in use out of the loss, and a restore that
 * continues bit for bit.
 */
class GrowingClassWeightsTest {
    private static final int D = 16;

    private static TrainerConfig.Builder config() {
        return TrainerConfig.builder()
                .network(NetworkConfig.builder().embeddingSize(D).build())
                .objective(ObjectiveConfig.defaults())
                .classes(3)
                .maxClasses(10)
                .device("cpu")
                .seed(11);
    }

    /** Images of the given classes, four each. */
    private static TrainingBatch batchOf(int... classes) {
        int top = Arrays.stream(classes).max().orElseThrow() + 1;
        List<LabeledImage> pool = RandomImages.batch(4 * top, top, 28, 17);
        List<LabeledImage> batch = new ArrayList<>();
        for (LabeledImage image : pool) {
            if (Arrays.stream(classes).anyMatch(c -> c == image.label())) {
                batch.add(image);
            }
        }
        return TrainingBatch.of(batch);
    }

    @Test
    void capacityGrowsInChunksUpToTheLimitAndTheClassesInUseByLabel() {
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config().build())) {
            assertEquals(3, trainer.classes());
            assertEquals(3, trainer.classCapacity());
            trainer.step(batchOf(0, 1, 2));
            assertEquals(3, trainer.classCapacity(), "no label beyond the initial classes: nothing grows");
            trainer.step(batchOf(0, 3));
            assertEquals(4, trainer.classes());
            assertEquals(6, trainer.classCapacity(), "the capacity doubles");
            trainer.step(batchOf(1, 4));
            assertEquals(5, trainer.classes());
            assertEquals(6, trainer.classCapacity(), "room was left: no reallocation");
            trainer.step(batchOf(2, 7));
            assertEquals(8, trainer.classes(), "an index skipped by an integer label joins the softmax too");
            assertEquals(10, trainer.classCapacity(), "doubling stops at classes.max");
            assertEquals(8 * D, trainer.classWeights().length, "only the rows in use are published");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer.step(batchOf(0, 10)));
            assertTrue(e.getMessage().contains("classes.max"), e.getMessage());
            assertEquals(8, trainer.classes());
        }
    }

    /**
     * With a rate so small that no parameter moves (each update is far below half a unit in the last place), what a
     * step changes is the growth alone: the rows in use stay bit for bit, and the new class's row is the normalised
     * mean of its images' normalised embeddings, times the mean norm of the rows in use.
     */
    @Test
    void aNewClassRowIsTheImprintOfItsEmbeddingsAndTheOldRowsDoNotMove() {
        TrainerConfig frozen = config().optimizer(OptimizerConfig.sgd(0f, 0f)).learningRate(1e-30f)
                .classInit(ClassInit.IMPRINT).build();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(frozen)) {
            float[] before = trainer.classWeights();
            StepResult result = trainer.step(batchOf(0, 1, 3));
            assertTrue(result.applied(), result.skipReason());
            float[] after = trainer.classWeights();
            assertEquals(4 * D, after.length);
            assertArrayEquals(before, Arrays.copyOf(after, 3 * D), "growth must not move the rows in use");
            float[] expected = imprint(result.embeddings(), result.labels(), 3, before, 3);
            float[] row = Arrays.copyOfRange(after, 3 * D, 4 * D);
            for (int i = 0; i < D; i++) {
                assertEquals(expected[i], row[i], 1e-5f, "imprinted row, element " + i);
            }
        }
    }

    /** The host's imprint: normalise each embedding of {@code label}, average, normalise, scale. */
    private static float[] imprint(float[] embeddings, int[] labels, int label, float[] rows, int rowCount) {
        double[] sum = new double[D];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == label) {
                double norm = 0;
                for (int j = 0; j < D; j++) {
                    norm += (double) embeddings[i * D + j] * embeddings[i * D + j];
                }
                for (int j = 0; j < D; j++) {
                    sum[j] += embeddings[i * D + j] / Math.sqrt(norm);
                }
            }
        }
        double sumNorm = Math.sqrt(Arrays.stream(sum).map(v -> v * v).sum());
        double scale = 0;
        for (int r = 0; r < rowCount; r++) {
            double norm = 0;
            for (int j = 0; j < D; j++) {
                norm += (double) rows[r * D + j] * rows[r * D + j];
            }
            scale += Math.sqrt(norm) / rowCount;
        }
        float[] out = new float[D];
        for (int j = 0; j < D; j++) {
            out[j] = (float) (sum[j] / sumNorm * scale);
        }
        return out;
    }

    @Test
    void aRandomRowDependsOnTheSeedAndClassNotOnTheBatch() {
        TrainerConfig xavier = config().optimizer(OptimizerConfig.sgd(0f, 0f)).learningRate(1e-30f)
                .classInit(ClassInit.XAVIER).build();
        float[] a;
        float[] b;
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(xavier)) {
            trainer.step(batchOf(0, 3));
            a = Arrays.copyOfRange(trainer.classWeights(), 3 * D, 4 * D);
        }
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(xavier)) {
            trainer.step(batchOf(1, 2, 3));
            b = Arrays.copyOfRange(trainer.classWeights(), 3 * D, 4 * D);
        }
        assertArrayEquals(a, b);
        double bound = Math.sqrt(6.0 / (3 + D));
        for (float v : a) {
            assertTrue(Math.abs(v) <= bound && v != 0f, "Xavier-uniform with the initial matrix's bound: " + v);
        }
    }

    /**
     * Rows allocated ahead of the classes in use take no part in the loss: they get no gradient, so through steps of
     * momentum and weight decay they stay exactly zero (in the softmax, a zero row would get a large one).
     */
    @Test
    void rowsBeyondTheClassesInUseStayZero() {
        TrainerConfig c = config().optimizer(OptimizerConfig.adamw(1e-2f)).learningRate(1e-3f).build();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(c)) {
            trainer.step(batchOf(0, 1, 3));
            for (int i = 0; i < 3; i++) {
                assertTrue(trainer.step(batchOf(0, 1, 2, 3)).applied());
            }
            assertEquals(4, trainer.classes());
            assertEquals(6, trainer.classCapacity());
            float[] weights = classWeightTensor(trainer.saveState(), 6);
            for (int i = 4 * D; i < 6 * D; i++) {
                assertEquals(0f, weights[i], "row " + i / D + " is not in use and must stay zero");
            }
            for (int i = 3 * D; i < 4 * D; i++) {
                assertNotEquals(0f, weights[i]);
            }
        }
    }

    /** The class weights (rows x D) as saved: the state's last model tensor. */
    private static float[] classWeightTensor(byte[] state, int rows) {
        // The tensor is saved as name, rank, dims, then little-endian floats; find it by its name.
        byte[] name = "cm.class_weights".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int at = indexOf(state, name);
        assertTrue(at > 0, "no class weights in the state");
        ByteBuffer buffer = ByteBuffer.wrap(state, at + name.length, state.length - at - name.length);
        int rank = buffer.get();
        assertEquals(2, rank);
        assertEquals(rows, buffer.getLong());
        assertEquals(D, buffer.getLong());
        float[] values = new float[rows * D];
        buffer.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A restore between growths continues bit for bit: capacity, classes in use, rows and moments. */
    @ParameterizedTest
    @EnumSource(ClassInit.class)
    void restoreOfAGrownStateContinuesBitForBit(ClassInit init) {
        TrainerConfig c = config().classInit(init).optimizer(OptimizerConfig.sgd(0.9f, 5e-4f)).build();
        List<TrainingBatch> batches = List.of(batchOf(0, 1, 2), batchOf(0, 3), batchOf(2, 5), batchOf(0, 4, 5),
                batchOf(3, 6, 7));
        byte[] straight;
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(c)) {
            batches.forEach(trainer::step);
            straight = trainer.saveState();
            assertEquals(8, trainer.classes());
            assertEquals(10, trainer.classCapacity());
        }
        byte[] half;
        try (EmbeddingTrainer first = EmbeddingTrainer.create(c)) {
            batches.subList(0, 2).forEach(first::step);
            half = first.saveState();
        }
        byte[] resumed;
        try (EmbeddingTrainer second = EmbeddingTrainer.create(c.toBuilder().seed(99).build())) {
            second.restoreState(half);
            assertEquals(4, second.classes());
            assertEquals(6, second.classCapacity());
            batches.subList(2, 5).forEach(second::step);
            resumed = second.saveState();
        }
        assertArrayEquals(straight, resumed, "parameters, class rows, moments, step and RNG must be identical");
    }

    @Test
    void aStateWithMoreClassesThanTheLimitIsRefused() {
        byte[] state;
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config().build())) {
            trainer.step(batchOf(0, 5));
            state = trainer.saveState();
        }
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config().maxClasses(5).build())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer.restoreState(state));
            assertEquals("the training state holds 6 classes, more than classes.max (5)", e.getMessage());
        }
    }

    @Test
    void aSkippedStepAddsNoClass() {
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config().build())) {
            trainer.step(batchOf(0, 1, 2));
            var firstWeight = trainer.model().trainableParameters().get(0).array();
            float[] poisoned = firstWeight.toFloatArray();
            poisoned[0] = Float.NaN;
            firstWeight.set(poisoned);
            StepResult result = trainer.step(batchOf(0, 3));
            assertFalse(result.applied());
            assertEquals(3, trainer.classes(), "a class whose first step was skipped is not in use yet");
            assertEquals(3 * D, trainer.classWeights().length);
        }
    }

    @Test
    void badLimitsFailWithOneSentence() {
        IllegalArgumentException low = assertThrows(IllegalArgumentException.class,
                () -> config().maxClasses(0).build());
        assertEquals("classes.max must be at least 1, got 0", low.getMessage());
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class,
                () -> config().classes(20).maxClasses(10).build());
        assertEquals("the initial class count (--classes 20) exceeds classes.max (10)", over.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassInit.parse("zeros"));
    }

    @Test
    void resizingKeepsTheRowsItHadAndZeroesTheRest() {
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            float[] values = {1, 2, 3, 4, 5, 6};
            NDArray array = manager.create(values, new Shape(3, 2));
            try (NDArray grown = Rows.resize(array, 5); NDArray shrunk = Rows.resize(array, 2)) {
                assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 0, 0, 0, 0}, grown.toFloatArray());
                assertArrayEquals(new float[] {1, 2, 3, 4}, shrunk.toFloatArray());
            }
        }
    }
}
