package io.embedstream.model.train;

import io.embedstream.model.random.Rng;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Training-time augmentation: each image moved by a random whole-pixel offset in [-maxShift, maxShift] on each
 * axis, the uncovered border filled with 0. Small translations are the classic augmentation for digit-like data:
 * they teach the network that position within a few pixels carries no class information, which a few thousand
 * training images do not show on their own.
 *
 * <p>Offsets come from the trainer's checkpointed {@link Rng}, so a restored run shifts exactly as the original
 * would have. With {@code maxShift} 0 nothing is drawn and the images pass through unchanged.
 */
public final class RandomShift {
    private final int maxShift;

    /** @param maxShift the largest offset in pixels on each axis; 0 = off */
    public RandomShift(int maxShift) {
        if (maxShift < 0) {
            throw new IllegalArgumentException("shift must be >= 0 pixels, got " + maxShift);
        }
        this.maxShift = maxShift;
    }

    public int maxShift() {
        return maxShift;
    }

    /** The batch with every image shifted by its own offset (the same list when off). */
    public List<LabeledImage> apply(List<LabeledImage> images, Rng rng) {
        if (maxShift == 0) {
            return images;
        }
        List<LabeledImage> out = new ArrayList<>(images.size());
        for (LabeledImage image : images) {
            int dx = rng.nextInt(2 * maxShift + 1) - maxShift;
            int dy = rng.nextInt(2 * maxShift + 1) - maxShift;
            out.add(shift(image, dx, dy));
        }
        return out;
    }

    /** {@code image} moved right by {@code dx} and down by {@code dy} pixels, 0 where nothing moved in. */
    static LabeledImage shift(LabeledImage image, int dx, int dy) {
        if (dx == 0 && dy == 0) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        int c = image.channels();
        byte[] src = image.pixels();
        byte[] dst = new byte[src.length];
        int x0 = Math.max(0, dx);
        int x1 = Math.min(w, w + dx);
        if (x1 > x0) {
            for (int y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
                System.arraycopy(src, ((y - dy) * w + (x0 - dx)) * c, dst, (y * w + x0) * c, (x1 - x0) * c);
            }
        }
        return image.withPixels(dst);
    }
}
