package io.embedstream.connectors.wire;

import java.util.Objects;

/**
 * Unlabeled 8-bit pixels, row-major with interleaved channels (HWC), as in
 * {@link io.embedstream.types.LabeledImage}. The array is not copied.
 *
 * @param width    width in pixels, &gt; 0
 * @param height   height in pixels, &gt; 0
 * @param channels 1 (gray) or 3 (RGB)
 * @param data     exactly {@code width * height * channels} bytes
 */
public record PixelBuffer(int width, int height, int channels, byte[] data) {

    public PixelBuffer {
        Objects.requireNonNull(data, "data");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if ((long) width * height * channels != data.length) {
            throw new IllegalArgumentException("expected " + width + "x" + height + "x" + channels + " bytes, got "
                    + data.length);
        }
    }

    /** {@code WxHxC}, as used in rejection reasons. */
    public String shape() {
        return width + "x" + height + "x" + channels;
    }
}
