package io.embedstream.model.loss;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.Function;

/** The shared input of the loss spec's reference values (section 5), and a helper to take gradients. */
final class SpecFixture {
    static final float[] Z = {1, 0, 0, 1, 1, 1, -1, 0};
    static final int[] Y = {0, 0, 1, 1};
    static final float[] W = {2, 0, 0.6f, 0.8f};

    private SpecFixture() {}

    static NDArray z(NDManager m) {
        return m.create(Z, new Shape(4, 2));
    }

    static NDArray w(NDManager m) {
        return m.create(W, new Shape(2, 2));
    }

    /** Value of f and its gradients with respect to each of {@code wrt}. */
    static Result valueAndGradients(Function<NDArray[], NDArray> f, NDArray... wrt) {
        for (NDArray a : wrt) {
            a.setRequiresGradient(true);
        }
        float value;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray out = f.apply(wrt);
            collector.backward(out);
            value = out.getFloat();
        }
        float[][] grads = new float[wrt.length][];
        for (int i = 0; i < wrt.length; i++) {
            grads[i] = wrt[i].getGradient().toFloatArray();
        }
        return new Result(value, grads);
    }

    record Result(float value, float[][] gradients) {}
}
