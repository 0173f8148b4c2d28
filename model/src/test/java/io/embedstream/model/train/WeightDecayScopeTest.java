package io.embedstream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.embedstream.model.net.NamedArray;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With a zero gradient only weight decay moves a parameter: under {@link DecayOn#MATRICES} a bias and a PReLU slope
 * stay where they are and a weight matrix shrinks by exactly the decay; under {@link DecayOn#ALL} all three shrink.
 * Both optimisers, one step.
 */
class WeightDecayScopeTest {
    private static final float LR = 0.1f;
    private static final float DECAY = 0.5f;
    private static final float[] WEIGHT = {1, -2, 3, -4, 5, -6};
    private static final float[] BIAS = {0.5f, -0.5f, 2f};
    private static final float SLOPE = 0.25f;

    @Test
    void sgdDecaysOnlyMatricesWhenAsked() {
        float[][] after = step(DecayOn.MATRICES, false);
        assertArrayEquals(scaled(WEIGHT, 1 - LR * DECAY), after[0], 1e-6f, "weight: p - lr wd p");
        assertArrayEquals(BIAS, after[1], "bias untouched");
        assertEquals(SLOPE, after[2][0], "PReLU slope untouched");

        float[][] all = step(DecayOn.ALL, false);
        assertArrayEquals(scaled(WEIGHT, 1 - LR * DECAY), all[0], 1e-6f);
        assertArrayEquals(scaled(BIAS, 1 - LR * DECAY), all[1], 1e-6f, "bias decayed under all");
        assertEquals(SLOPE * (1 - LR * DECAY), all[2][0], 1e-6f, "slope decayed under all");
    }

    @Test
    void adamwDecaysOnlyMatricesWhenAsked() {
        // A zero gradient leaves Adam's moments at 0, so its step is 0 and only the decoupled decay acts.
        float[][] after = step(DecayOn.MATRICES, true);
        assertArrayEquals(scaled(WEIGHT, 1 - LR * DECAY), after[0], 1e-6f);
        assertArrayEquals(BIAS, after[1]);
        assertEquals(SLOPE, after[2][0]);

        float[][] all = step(DecayOn.ALL, true);
        assertArrayEquals(scaled(BIAS, 1 - LR * DECAY), all[1], 1e-6f);
    }

    @Test
    void scopeNamesParseAndTheDefaultDecaysEverything() {
        assertEquals(DecayOn.MATRICES, DecayOn.parse("Matrices "));
        assertEquals(DecayOn.ALL, OptimizerConfig.defaults().decayOn());
        assertEquals(DecayOn.MATRICES, OptimizerConfig.adamw(0.01f).withDecayOn(DecayOn.MATRICES).decayOn());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecayOn.parse("biases"));
        assertEquals("unknown --decay-on 'biases'; expected all or matrices", e.getMessage());
    }

    private static float[][] step(DecayOn scope, boolean adamw) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(WEIGHT, new Shape(2, 3));
            NDArray bias = manager.create(BIAS, new Shape(3));
            NDArray slope = manager.create(SLOPE);
            List<NamedArray> params = List.of(new NamedArray("w", weight), new NamedArray("b", bias),
                    new NamedArray("alpha", slope));
            OptimizerConfig config = (adamw ? OptimizerConfig.adamw(DECAY) : OptimizerConfig.sgd(0.9f, DECAY))
                    .withDecayOn(scope);
            Optimizer optimizer = config.create(params);
            List<NDArray> arrays = List.of(weight, bias, slope);
            optimizer.update(arrays, arrays.stream().map(NDArray::zerosLike).toList(), LR, 1f, 1);
            return new float[][] {weight.toFloatArray(), bias.toFloatArray(), slope.toFloatArray()};
        }
    }

    private static float[] scaled(float[] values, float factor) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] * factor;
        }
        return out;
    }
}
