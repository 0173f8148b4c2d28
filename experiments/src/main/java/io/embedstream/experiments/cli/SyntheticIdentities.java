package io.embedstream.experiments.cli;

import io.embedstream.model.random.Rng;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Any number of string identities, each with a few grey images: an identity is a random 4x4 pattern smoothly
 * enlarged to the image size (its own seed, so identity {@code i} looks the same whatever the count), and each of
 * its images moves that pattern by up to one pixel and adds noise. The photo-like dataset stops at 72 classes, the
 * shapes at 10; this makes 10,000 and more, cheaply, for the class-scaling bench.
 */
final class SyntheticIdentities {
    private static final int GRID = 4;

    private final int side;
    private final long seed;

    SyntheticIdentities(int side, long seed) {
        this.side = side;
        this.seed = seed;
    }

    /** The name of identity {@code i}, as the {@code label} header carries it. */
    static String name(int identity) {
        return String.format(Locale.ROOT, "id-%06d", identity);
    }

    /**
     * {@code perIdentity} images of each of {@code identities} identities, in an order shuffled with the seed; the
     * image's integer label is the identity's number (the job sees only its name).
     *
     * @param window 0: the whole stream shuffled, so an identity's images are spread over all of it; N: identity
     *               after identity, shuffled within consecutive blocks of N records, so they arrive close together
     */
    List<LabeledImage> stream(int identities, int perIdentity, int window) {
        List<LabeledImage> images = new ArrayList<>(identities * perIdentity);
        for (int i = 0; i < identities; i++) {
            float[] pattern = pattern(i);
            for (int k = 0; k < perIdentity; k++) {
                images.add(image(i, k, pattern));
            }
        }
        Rng rng = new Rng(seed ^ 0x5EEDL);
        int block = window > 0 ? window : images.size();
        List<LabeledImage> shuffled = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += block) {
            int size = Math.min(block, images.size() - from);
            for (int index : rng.permutation(size)) {
                shuffled.add(images.get(from + index));
            }
        }
        return shuffled;
    }

    /** The identity's pattern at full size, values in [0, 1]. */
    private float[] pattern(int identity) {
        Rng rng = new Rng(Rng.mix(seed * 31 + identity));
        float[] grid = new float[GRID * GRID];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = (float) rng.nextDouble();
        }
        float[] out = new float[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                // Bilinear between grid points: a smooth pattern the network can tell from its neighbours.
                float gx = x * (GRID - 1f) / (side - 1f);
                float gy = y * (GRID - 1f) / (side - 1f);
                int x0 = Math.min((int) gx, GRID - 2);
                int y0 = Math.min((int) gy, GRID - 2);
                float fx = gx - x0;
                float fy = gy - y0;
                float top = grid[y0 * GRID + x0] * (1 - fx) + grid[y0 * GRID + x0 + 1] * fx;
                float bottom = grid[(y0 + 1) * GRID + x0] * (1 - fx) + grid[(y0 + 1) * GRID + x0 + 1] * fx;
                out[y * side + x] = top * (1 - fy) + bottom * fy;
            }
        }
        return out;
    }

    private LabeledImage image(int identity, int k, float[] pattern) {
        Rng rng = new Rng(Rng.mix(Rng.mix(seed * 31 + identity) + k + 1));
        int dx = rng.nextInt(3) - 1;
        int dy = rng.nextInt(3) - 1;
        byte[] pixels = new byte[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int sx = Math.max(0, Math.min(side - 1, x + dx));
                int sy = Math.max(0, Math.min(side - 1, y + dy));
                double v = pattern[sy * side + sx] + 0.08 * rng.nextGaussian();
                pixels[y * side + x] = (byte) Math.max(0, Math.min(255, Math.round(v * 255)));
            }
        }
        return new LabeledImage(name(identity) + "-" + k, identity, side, side, 1, pixels);
    }
}
