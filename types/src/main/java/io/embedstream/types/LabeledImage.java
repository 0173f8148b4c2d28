package io.embedstream.types;

import java.util.Objects;

/**
 * One labeled image as 8-bit pixels, interleaved row-major HWC (for grayscale, one byte per pixel).
 * Immutable by convention: the pixel array is not copied, so callers must not modify it afterwards.
 */
public record LabeledImage(String id, int label, int width, int height, int channels, byte[] pixels) {

    public LabeledImage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("pixel array has " + pixels.length + " bytes, expected "
                    + width + "x" + height + "x" + channels + " = " + (width * height * channels));
        }
    }

    /** Pixel value in [0, 255] at (x, y, channel c). */
    public int pixel(int x, int y, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }

    public LabeledImage withPixels(byte[] newPixels) {
        return new LabeledImage(id, label, width, height, channels, newPixels);
    }

    @Override
    public String toString() {
        return "LabeledImage[id=" + id + ", label=" + label + ", " + width + "x" + height + "x" + channels + "]";
    }
}
