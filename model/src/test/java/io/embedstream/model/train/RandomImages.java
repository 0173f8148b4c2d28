package io.embedstream.model.train;

import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Labeled images of seeded random pixels with a class-dependent bright square, for trainer tests. */
final class RandomImages {
    private RandomImages() {}

    static List<LabeledImage> batch(int size, int classes, int side, long seed) {
        Random random = new Random(seed);
        List<LabeledImage> images = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int label = i % classes;
            byte[] px = new byte[side * side];
            for (int p = 0; p < px.length; p++) {
                px[p] = (byte) random.nextInt(64);
            }
            int x0 = (label * 5) % (side - 6);
            int y0 = (label * 3) % (side - 6);
            for (int y = y0; y < y0 + 6; y++) {
                for (int x = x0; x < x0 + 6; x++) {
                    px[y * side + x] = (byte) 230;
                }
            }
            images.add(new LabeledImage("r" + seed + "-" + i, label, side, side, 1, px));
        }
        return images;
    }
}
