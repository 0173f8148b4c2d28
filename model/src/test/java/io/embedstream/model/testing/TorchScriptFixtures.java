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

    /** The fixture as a file: itself when the test classes are a folder, a temporary copy when they are a jar. */
    private static Path resource(String name) {
        java.net.URL url = TorchScriptFixtures.class.getResource("/torchscript/" + name);
        if (url == null) {
            throw new IllegalStateException("test fixture torchscript/" + name + " is missing");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            Path copy = java.nio.file.Files.createTempFile("embedstream-" + name.replace(".pt", ""), ".pt");
            copy.toFile().deleteOnExit();
            try (java.io.InputStream in = url.openStream()) {
                java.nio.file.Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (URISyntaxException | java.io.IOException e) {
            throw new IllegalStateException("cannot read test fixture torchscript/" + name, e);
        }
    }
}
