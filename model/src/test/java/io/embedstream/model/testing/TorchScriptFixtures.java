package io.embedstream.model.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The TorchScript files made by {@code src/test/resources/torchscript/make_fixtures.py}. */
public final class TorchScriptFixtures {
    private TorchScriptFixtures() {}

    /** B x 1 x 28 x 28 -> B x 32, untrained (seeded) convolutions. */
    public static Path tinyBackbone() {
        return resource("tiny_backbone.pt");
    }

    /** The same convolutions without pooling: B x 32 x 7 x 7, rank 4. */
    public static Path convOnly() {
        return resource("conv_only.pt");
    }

    /** A torch.save'd state_dict: a zip, but not TorchScript. */
    public static Path notTorchScript() {
        return resource("not_torchscript.pt");
    }

    private static Path resource(String name) {
        try {
            return Path.of(TorchScriptFixtures.class.getResource("/torchscript/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test fixture torchscript/" + name + " is missing", e);
        }
    }
}
