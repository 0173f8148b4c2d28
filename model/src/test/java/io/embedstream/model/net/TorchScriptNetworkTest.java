package io.embedstream.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.embedstream.model.testing.TorchScriptFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Loading a TorchScript backbone: the head, and the one-sentence errors for files that cannot serve. */
class TorchScriptNetworkTest {

    private static NetworkConfig config(Path backbone, int channels, int embedding) {
        return NetworkConfig.builder().architecture("torchscript:" + backbone).inputSize(28, 28, channels)
                .embeddingSize(embedding).build();
    }

    @Test
    void addsAHeadOnlyWhenTheBackboneIsNotTheEmbeddingSize() {
        try (EmbeddingModel model = EmbeddingModel.create(config(TorchScriptFixtures.tinyBackbone(), 1, 16), Device.cpu(), 1)) {
            assertTrue(model.torchScript().orElseThrow().hasHead());
            assertEquals(32, model.torchScript().orElseThrow().backboneFeatures());
            assertEquals(16, model.embed(io.embedstream.model.data.SyntheticShapes.builder().seed(1).build().generate(3), 8)[0].length);
            // Six backbone tensors (three convolutions) plus the head's weight and bias.
            assertEquals(6, model.backboneParameters().size());
            assertEquals(8, model.trainableParameters().size());
        }
        try (EmbeddingModel model = EmbeddingModel.create(config(TorchScriptFixtures.tinyBackbone(), 1, 32), Device.cpu(), 1)) {
            assertFalse(model.torchScript().orElseThrow().hasHead());
            assertEquals(6, model.trainableParameters().size());
        }
    }

    @Test
    void aFileThatIsNotTorchScriptIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingModel.create(config(TorchScriptFixtures.notTorchScript(), 1, 16), Device.cpu(), 1));
        assertTrue(e.getMessage().contains("not_torchscript.pt is not a TorchScript module"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aBackboneOfWrongOutputRankIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingModel.create(config(TorchScriptFixtures.convOnly(), 1, 16), Device.cpu(), 1));
        assertTrue(e.getMessage().contains("conv_only.pt returns a float32 tensor of shape (2, 32, 7, 7)")
                && e.getMessage().contains("output rank 2"), e.getMessage());
    }

    @Test
    void aBackboneThatRefusesTheInputSizeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingModel.create(config(TorchScriptFixtures.tinyBackbone(), 3, 16), Device.cpu(), 1));
        assertTrue(e.getMessage().contains("does not accept the configured input (2, 3, 28, 28)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingModel.create(config(Path.of("/no/such/backbone.pt"), 1, 16), Device.cpu(), 1));
        assertTrue(e.getMessage().startsWith("cannot read backbone file /no/such/backbone.pt"), e.getMessage());
    }
}
