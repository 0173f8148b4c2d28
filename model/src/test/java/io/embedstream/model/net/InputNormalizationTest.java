package io.embedstream.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.embedstream.types.LabeledImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-channel mean/std: each channel normalised with its own values; one value behaves as before, bit for bit. */
class InputNormalizationTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    @Test
    void eachChannelUsesItsOwnMeanAndStd() {
        NetworkConfig config = NetworkConfig.builder().architecture(Architecture.RESNET).inputSize(8, 8, 3)
                .embeddingSize(4).inputNormalization(MEAN, STD).build();
        byte[] px = new byte[8 * 8 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 37);
        }
        float[] x = input(config, new LabeledImage("a", 0, 8, 8, 3, px));
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 64; i++) {
                float expected = (px[i * 3 + c] & 0xFF) * (1f / (255f * STD[c])) - MEAN[c] / STD[c];
                assertEquals(expected, x[c * 64 + i], "channel " + c + " pixel " + i);
            }
        }
    }

    @Test
    void oneValueForEveryChannelGivesTheSameFloatsAsASingleMeanAndStd() {
        NetworkConfig single = NetworkConfig.builder().architecture(Architecture.RESNET).inputSize(8, 8, 3)
                .embeddingSize(4).inputNormalization(0.5f, 0.25f).build();
        NetworkConfig repeated = single.toBuilder()
                .inputNormalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}).build();
        assertEquals(single, repeated);
        byte[] px = new byte[8 * 8 * 3];
        new java.util.Random(3).nextBytes(px);
        LabeledImage image = new LabeledImage("a", 0, 8, 8, 3, px);
        float[] x = input(single, image);
        for (int i = 0; i < 64; i++) {
            // Today's formula with one mean and std.
            assertEquals((px[i * 3] & 0xFF) * (1f / (255f * 0.25f)) - 0.5f / 0.25f, x[i]);
        }
        assertArrayEquals(x, input(repeated, image));
    }

    @Test
    void theManifestRecordsOneNumberWhenChannelsAgreeAndAListOtherwise() {
        assertEquals(0.5f, NetworkConfig.manifestValue(List.of(0.5f, 0.5f, 0.5f)));
        assertEquals(List.of(0.485f, 0.456f, 0.406f), NetworkConfig.manifestValue(List.of(0.485f, 0.456f, 0.406f)));
        assertArrayEquals(new float[] {0.1307f}, NetworkConfig.fromManifestValue(0.1307));
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f},
                NetworkConfig.fromManifestValue(List.of(0.485, 0.456, 0.406)));
    }

    @Test
    void aCountThatIsNeitherOneNorTheChannelsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkConfig.builder()
                .inputSize(8, 8, 3).inputNormalization(new float[] {0.4f, 0.5f}, new float[] {0.2f}).build());
        assertTrue(e.getMessage().contains("mean has 2 values for 3 channels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.builder().inputSize(8, 8, 3)
                .inputNormalization(new float[] {0.4f}, new float[] {0.2f, 0f, 0.1f}).build());
    }

    private static float[] input(NetworkConfig config, LabeledImage image) {
        try (EmbeddingModel model = EmbeddingModel.create(config, Device.cpu(), 1);
                NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            return model.toInput(manager, List.of(image)).toFloatArray();
        }
    }
}
