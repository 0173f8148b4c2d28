package io.embedstream.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two kernel sizes of the CM paper's MNIST network: same layout, a third of the convolution weights. */
class CmMnistNetworkTest {

    private static long parameters(Architecture architecture) {
        NetworkConfig config = NetworkConfig.builder().architecture(architecture).build();
        try (EmbeddingModel model = EmbeddingModel.create(config, Device.cpu(), 1)) {
            return model.parameterCount();
        }
    }

    @Test
    void threeByThreeKernelsKeepTheLayoutWithFewerWeights() {
        // Convolution weights: 25 vs 9 per input-output pair; biases, PReLU slopes and the linear layer are shared.
        long convPairs = 1 * 32 + 32 * 32 + 32 * 64 + 64 * 64 + 64 * 128 + 128 * 128;
        assertEquals(16 * convPairs, parameters(Architecture.CM_MNIST) - parameters(Architecture.CM_MNIST_3X3));
    }

    @Test
    void threeByThreeNetworkEmbedsMnistSizedImages() {
        NetworkConfig config = NetworkConfig.builder().architecture(Architecture.CM_MNIST_3X3).embeddingSize(32).build();
        List<LabeledImage> images = SyntheticShapes.builder().seed(2).build().generate(5);
        try (EmbeddingModel model = EmbeddingModel.create(config, Device.cpu(), 1)) {
            float[][] e = model.embed(images, 4);
            assertEquals(5, e.length);
            assertEquals(32, e[0].length);
            assertTrue(Float.isFinite(e[4][31]));
        }
    }

    @Test
    void architectureNamesParseBothWays() {
        for (Architecture a : Architecture.values()) {
            assertEquals(a, Architecture.parse(a.cliName()));
        }
        assertEquals(Architecture.CM_MNIST_3X3, Architecture.parse("CM-MNIST-3x3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("vgg"));
        assertTrue(e.getMessage().contains("cm-mnist-3x3"), e.getMessage());
    }
}
