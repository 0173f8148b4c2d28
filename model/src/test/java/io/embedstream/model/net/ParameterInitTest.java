package io.embedstream.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * Each parameter type's distribution under both schemes, read back from a freshly created network: convolution and
 * linear weights fill their scheme's uniform interval (inside the bound, and close to it at both ends), biases are
 * 0 under he and U(+-1/sqrt(fan_in)) of their own layer under pytorch, PReLU slopes 0.25, batch-norm 1 and 0.
 */
class ParameterInitTest {

    private static EmbeddingModel model(Architecture architecture, ParameterInit.Scheme scheme, long seed) {
        NetworkConfig config = NetworkConfig.builder().architecture(architecture).embeddingSize(32).build();
        return EmbeddingModel.create(config, Device.cpu(), seed, scheme, BackboneSource.localFiles());
    }

    @Test
    void weightsAndBiasesFollowEachScheme() {
        for (ParameterInit.Scheme scheme : ParameterInit.Scheme.values()) {
            try (EmbeddingModel model = model(Architecture.CM_MNIST, scheme, 7)) {
                long fanIn = 0;
                int weights = 0;
                int biases = 0;
                int slopes = 0;
                for (NamedArray p : model.allParameters()) {
                    Shape shape = p.array().getShape();
                    float[] v = p.array().toFloatArray();
                    String name = p.name();
                    if (name.endsWith("alpha")) {
                        assertEquals(0, shape.dimension(), name);
                        assertEquals(0.25f, v[0], name);
                        slopes++;
                    } else if (name.endsWith("weight")) {
                        fanIn = shape.size() / shape.get(0);
                        double bound = scheme == ParameterInit.Scheme.HE
                                ? Math.sqrt(6.0 / ((1 + 0.0625) * fanIn)) : 1.0 / Math.sqrt(fanIn);
                        assertFills(v, bound, scheme + " " + name);
                        weights++;
                    } else if (name.endsWith("bias")) {
                        if (scheme == ParameterInit.Scheme.HE) {
                            assertArrayEquals(new float[v.length], v, name);
                        } else {
                            assertFills(v, 1.0 / Math.sqrt(fanIn), scheme + " " + name);
                        }
                        biases++;
                    }
                }
                assertEquals(7, weights, "six convolutions and the linear layer");
                assertEquals(7, biases);
                assertEquals(6, slopes);
            }
        }
    }

    @Test
    void batchNormStartsAtOneAndZeroUnderBothSchemes() {
        for (ParameterInit.Scheme scheme : ParameterInit.Scheme.values()) {
            try (EmbeddingModel model = model(Architecture.RESNET, scheme, 3)) {
                int norms = 0;
                for (NamedArray p : model.allParameters()) {
                    float[] v = p.array().toFloatArray();
                    String name = p.name().toLowerCase(java.util.Locale.ROOT);
                    if (name.endsWith("gamma") || name.endsWith("runningvar")) {
                        for (float x : v) {
                            assertEquals(1f, x, name);
                        }
                        norms++;
                    } else if (name.endsWith("beta") || name.endsWith("runningmean")) {
                        assertArrayEquals(new float[v.length], v, name);
                    }
                }
                assertTrue(norms > 0, "the resnet has batch-norm layers");
            }
        }
    }

    @Test
    void theSeedDecidesTheDrawAndTheSchemeTheScale() {
        try (EmbeddingModel a = model(Architecture.CM_MNIST_3X3, ParameterInit.Scheme.PYTORCH, 5);
             EmbeddingModel b = model(Architecture.CM_MNIST_3X3, ParameterInit.Scheme.PYTORCH, 5);
             EmbeddingModel c = model(Architecture.CM_MNIST_3X3, ParameterInit.Scheme.PYTORCH, 6)) {
            assertArrayEquals(a.parametersToBytes(), b.parametersToBytes());
            assertFalse(java.util.Arrays.equals(a.parametersToBytes(), c.parametersToBytes()));
        }
        assertEquals(ParameterInit.Scheme.PYTORCH, ParameterInit.Scheme.parse(" PyTorch"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParameterInit.Scheme.parse("xavier"));
        assertTrue(e.getMessage().contains("he or pytorch"), e.getMessage());
    }

    /**
     * Every value inside (-bound, bound), the mean within 4 standard errors of 0 and, for a large tensor, both
     * extremes within 10% of the bound (a small one, such as a bias: beyond half the bound): U(+-bound).
     */
    private static void assertFills(float[] v, double bound, String what) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double sum = 0;
        for (float x : v) {
            assertTrue(Math.abs(x) <= bound * (1 + 1e-6), what + ": " + x + " outside +-" + bound);
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        double reach = v.length >= 256 ? 0.9 : 0.5;
        assertTrue(max > reach * bound && min < -reach * bound, what + ": [" + min + ", " + max + "] for +-" + bound);
        assertTrue(Math.abs(sum / v.length) < bound * 4 / Math.sqrt(3 * v.length), what + ": mean " + sum / v.length);
    }
}
