package io.embedstream.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.embedstream.model.random.Rng;

/**
 * Fills parameters from our own seeded {@link Rng} rather than the engine's generator, so that a seed gives
 * the same network on every engine and device, and so that initialisation can be chosen per parameter type
 * (DJL's Xavier initializer fails on PReLU's scalar slope).
 *
 * <ul>
 *   <li>convolution and linear weights: He-uniform for a PReLU slope of 0.25, bound sqrt(6 / ((1 + 0.25^2) fan_in));
 *   <li>PReLU slopes (scalar weights): 0.25, as in PyTorch;
 *   <li>biases, batch-norm beta and running mean: 0; batch-norm gamma and running variance: 1.
 * </ul>
 */
public final class ParameterInit {
    private static final double PRELU_SLOPE = 0.25;

    private ParameterInit() {}

    public static void initialize(Parameter parameter, Rng rng) {
        NDArray array = parameter.getArray();
        Shape shape = array.getShape();
        int size = Math.toIntExact(shape.size());
        float[] values = new float[size];
        switch (parameter.getType()) {
            case WEIGHT -> {
                if (shape.dimension() == 0) {
                    values[0] = (float) PRELU_SLOPE;
                } else {
                    long fanIn = shape.size() / shape.get(0);
                    double bound = Math.sqrt(6.0 / ((1 + PRELU_SLOPE * PRELU_SLOPE) * fanIn));
                    fillUniform(values, bound, rng);
                }
            }
            case GAMMA, RUNNING_VAR -> java.util.Arrays.fill(values, 1f);
            default -> { } // BIAS, BETA, RUNNING_MEAN and others start at zero
        }
        array.set(values);
    }

    /** Xavier-uniform, bound sqrt(6 / (fan_in + fan_out)), for a (rows x cols) matrix such as the class weights. */
    public static float[] xavierUniform(int rows, int cols, Rng rng) {
        float[] values = new float[rows * cols];
        fillUniform(values, Math.sqrt(6.0 / (rows + cols)), rng);
        return values;
    }

    private static void fillUniform(float[] values, double bound, Rng rng) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }
}
