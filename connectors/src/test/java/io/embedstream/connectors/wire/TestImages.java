package io.embedstream.connectors.wire;

import java.util.Random;

import io.embedstream.types.LabeledImage;

/** Deterministic random images for tests. */
public final class TestImages {

    private TestImages() {
    }

    public static LabeledImage random(String id, int label, int width, int height, int channels, long seed) {
        byte[] pixels = new byte[width * height * channels];
        new Random(seed).nextBytes(pixels);
        return new LabeledImage(id, label, width, height, channels, pixels);
    }
}
