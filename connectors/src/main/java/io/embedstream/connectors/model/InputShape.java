package io.embedstream.connectors.model;

/**
 * The network input a model expects.
 *
 * @param width    pixels, &gt; 0
 * @param height   pixels, &gt; 0
 * @param channels 1 (gray) or 3 (RGB)
 */
public record InputShape(int width, int height, int channels) {

    public InputShape {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("input size must be positive, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("input channels must be 1 or 3, got " + channels);
        }
    }
}
