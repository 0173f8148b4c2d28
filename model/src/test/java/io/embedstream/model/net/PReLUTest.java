package io.embedstream.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import org.junit.jupiter.api.Test;

/** The fast PReLU gives the value and both gradients of max(x, 0) + a min(x, 0). */
class PReLUTest {
    @Test
    void valueAndGradientsMatchTheDefinition() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PReLU block = new PReLU();
            block.setInitializer(new ConstantInitializer(0.3f), ai.djl.nn.Parameter.Type.WEIGHT);
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 3));
            NDArray alpha = block.getParameters().get("alpha").getArray();
            alpha.setRequiresGradient(true);
            NDArray x = manager.create(new float[] {-2f, -0.5f, 0.5f, 1.5f, -1f, 3f}, new Shape(2, 3));
            x.setRequiresGradient(true);
            NDArray weights = manager.create(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, new Shape(2, 3));
            float[] y;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = block.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                y = out.toFloatArray();
                collector.backward(out.mul(weights).sum());
            }
            assertArrayEquals(new float[] {-0.6f, -0.15f, 0.5f, 1.5f, -0.3f, 3f}, y, 1e-6f);
            // d/dx: 1 where x > 0, a elsewhere, times the upstream weights.
            assertArrayEquals(new float[] {0.3f, 0.6f, 3f, 4f, 1.5f, 6f}, x.getGradient().toFloatArray(), 1e-6f);
            // d/da: sum of weights * min(x, 0) = 1*-2 + 2*-0.5 + 5*-1 = -8.
            assertEquals(-8f, alpha.getGradient().getFloat(), 1e-5f);
        }
    }

    @Test
    void inferenceGivesTheTrainingFormsValuesBitForBit() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (float slope : new float[] {0.25f, -0.7f, 1.3f, 0f}) {
                PReLU block = new PReLU();
                block.setInitializer(new ConstantInitializer(slope), ai.djl.nn.Parameter.Type.WEIGHT);
                block.initialize(manager, DataType.FLOAT32, new Shape(4, 8, 5, 5));
                NDArray x = manager.randomNormal(0f, 2f, new Shape(4, 8, 5, 5), DataType.FLOAT32);
                float[] trained = block.forward(new ParameterStore(manager, false), new NDList(x), true)
                        .singletonOrThrow().toFloatArray();
                float[] inferred = block.forward(new ParameterStore(manager, false), new NDList(x), false)
                        .singletonOrThrow().toFloatArray();
                for (int i = 0; i < trained.length; i++) {
                    assertEquals(Float.floatToIntBits(trained[i]), Float.floatToIntBits(inferred[i]),
                            "slope " + slope + " element " + i + ": " + trained[i] + " vs " + inferred[i]);
                }
            }
        }
    }
}
