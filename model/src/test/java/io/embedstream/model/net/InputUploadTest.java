package io.embedstream.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.embedstream.types.LabeledImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pixels uploaded as bytes and normalised on the device give, bit for bit, the floats the host used to compute:
 * (p & 0xFF) * (1 / (255 std)) - mean / std, in planar (CHW) order.
 */
class InputUploadTest {

    private static void check(int channels) {
        NetworkConfig config = NetworkConfig.builder().inputSize(28, 28, channels).inputNormalization(0.45f, 0.226f)
                .build();
        Random random = new Random(channels);
        List<LabeledImage> images = List.of(image("a", config, random), image("b", config, random));
        try (EmbeddingModel model = EmbeddingModel.create(config, Device.cpu(), 1);
             NDManager manager = model.manager().newSubManager()) {
            NDArray input = model.toInput(manager, images);
            assertEquals(new Shape(2, channels, 28, 28), input.getShape());
            float scale = 1f / (255f * 0.226f);
            float shift = 0.45f / 0.226f;
            int plane = 28 * 28;
            float[] expected = new float[2 * channels * plane];
            for (int n = 0; n < 2; n++) {
                byte[] px = images.get(n).pixels();
                for (int i = 0; i < plane; i++) {
                    for (int c = 0; c < channels; c++) {
                        expected[(n * channels + c) * plane + i] = (px[i * channels + c] & 0xFF) * scale - shift;
                    }
                }
            }
            assertArrayEquals(expected, input.toFloatArray(), 0f);
        }
    }

    private static LabeledImage image(String id, NetworkConfig config, Random random) {
        byte[] px = new byte[config.inputLength()];
        random.nextBytes(px);
        px[0] = 0;
        px[1] = (byte) 255;
        return new LabeledImage(id, 0, config.width(), config.height(), config.channels(), px);
    }

    @Test
    void greyBytesBecomeTheHostsFloats() {
        check(1);
    }

    @Test
    void colourBytesBecomeTheHostsFloatsInPlanarOrder() {
        check(3);
    }
}
