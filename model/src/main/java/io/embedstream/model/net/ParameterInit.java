package io.embedstream.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.embedstream.model.random.Rng;
import java.util.Locale;

/**
 * Fills parameters from our own seeded {@link Rng} rather than the engine's generator, so that a seed gives
 * the same network on every engine and device, and so that initialisation can be chosen per parameter type
 * (DJL's Xavier initializer fails on PReLU's scalar slope).
 *
 * <p>Two schemes ({@link Scheme}); in both, PReLU slopes (scalar weights) start at 0.25 as in PyTorch, batch-norm
 * gamma and running variance at 1, beta and running mean at 0:
 * <ul>
 *   <li>{@link Scheme#HE}: convolution and linear weights He-uniform for a PReLU slope of 0.25, bound
 *       sqrt(6 / ((1 + 0.25^2) fan_in)); biases 0;
 *   <li>{@link Scheme#PYTORCH}: PyTorch's defaults for Conv2d and Linear, kaiming_uniform(a = sqrt(5)) weights,
 *       that is U(+-1 / sqrt(fan_in)), and biases U(+-1 / sqrt(fan_in)) with the fan-in of their layer's weight.
 *       Issue 19 measured it as the main cause of fit's robustness gap against a plain PyTorch loop.
 * </ul>
 */
public final class ParameterInit {
    private static final double PRELU_SLOPE = 0.25;

    /** How convolution and linear layers start. */
    public enum Scheme {
        HE, PYTORCH;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Scheme parse(String name) {
            for (Scheme s : values()) {
                if (s.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown initialisation '" + name + "'; expected he or pytorch");
        }
    }

    private final Scheme scheme;
    private final Rng rng;
    /** The fan-in of the latest multi-dimensional weight: DJL lists a layer's weight before its bias. */
    private long lastFanIn;

    /** An initialiser that draws from {@code rng}; call {@link #initialize} for every parameter in block order. */
    public ParameterInit(Scheme scheme, Rng rng) {
        this.scheme = java.util.Objects.requireNonNull(scheme, "scheme");
        this.rng = java.util.Objects.requireNonNull(rng, "rng");
    }

    public void initialize(Parameter parameter) {
        NDArray array = parameter.getArray();
        Shape shape = array.getShape();
        int size = Math.toIntExact(shape.size());
        float[] values = new float[size];
        switch (parameter.getType()) {
            case WEIGHT -> {
                if (shape.dimension() == 0) {
                    values[0] = (float) PRELU_SLOPE;
                } else {
                    lastFanIn = shape.size() / shape.get(0);
                    fillUniform(values, weightBound(lastFanIn), rng);
                }
            }
            case BIAS -> {
                if (scheme == Scheme.PYTORCH && lastFanIn > 0) {
                    fillUniform(values, 1.0 / Math.sqrt(lastFanIn), rng);
                }
            }
            case GAMMA, RUNNING_VAR -> java.util.Arrays.fill(values, 1f);
            default -> { } // BETA, RUNNING_MEAN and others start at zero
        }
        array.set(values);
    }

    /** The half-width of the uniform distribution of a weight with this fan-in under this scheme. */
    public double weightBound(long fanIn) {
        return scheme == Scheme.HE
                ? Math.sqrt(6.0 / ((1 + PRELU_SLOPE * PRELU_SLOPE) * fanIn))
                : 1.0 / Math.sqrt(fanIn);
    }

    /** Xavier-uniform, bound sqrt(6 / (fan_in + fan_out)), for a (rows x cols) matrix such as the class weights. */
    public static float[] xavierUniform(int rows, int cols, Rng rng) {
        float[] values = new float[rows * cols];
        fillUniform(values, Math.sqrt(6.0 / (rows + cols)), rng);
        return values;
    }

    /**
     * {@code rows} more rows of a Xavier-uniform matrix of {@code fanRows} x {@code cols}: the same bound as
     * {@link #xavierUniform}{@code (fanRows, cols, rng)}, so that rows added later look like the first ones.
     */
    public static float[] xavierUniformRows(int fanRows, int cols, int rows, Rng rng) {
        float[] values = new float[rows * cols];
        fillUniform(values, Math.sqrt(6.0 / (fanRows + cols)), rng);
        return values;
    }

    private static void fillUniform(float[] values, double bound, Rng rng) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }
}
