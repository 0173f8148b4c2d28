package io.embedstream.types;

import java.util.Locale;

/**
 * How an image of one aspect ratio is fitted to an input of another (see {@link Resampler#fit}).
 * <ul>
 *   <li>{@link #STRETCH}: the whole image, each axis scaled on its own; shapes are distorted when the aspect
 *       ratios differ. The default, and what the pipeline has always done.</li>
 *   <li>{@link #CROP}: the largest centred region with the input's aspect ratio, then scaled; nothing is
 *       distorted, and the margins of the longer side are lost (as photo pipelines' centre crop).</li>
 * </ul>
 */
public enum FitMode {
    STRETCH, CROP;

    /** Parses {@code stretch} or {@code crop}, case-insensitively; anything else fails naming both. */
    public static FitMode parse(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        for (FitMode mode : values()) {
            if (mode.name().equals(n)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown fit mode '" + name + "'; expected stretch or crop");
    }

    /**
     * The source region ({@code w x h} image) this mode scales to a {@code dw x dh} input: all of it for
     * {@link #STRETCH}; for {@link #CROP} the centred region with the input's aspect ratio, its size rounded to
     * whole pixels and its offset rounded down (so an odd margin leaves one more pixel at the end).
     */
    public Region region(int w, int h, int dw, int dh) {
        if (w <= 0 || h <= 0 || dw <= 0 || dh <= 0) {
            throw new IllegalArgumentException("sizes must be positive, got " + w + "x" + h + " to " + dw + "x" + dh);
        }
        if (this == STRETCH || (long) w * dh == (long) h * dw) {
            return new Region(0, 0, w, h);
        }
        if ((long) w * dh > (long) h * dw) { // wider than the input: keep the full height
            int cw = (int) Math.max(1, Math.round((double) h * dw / dh));
            return new Region((w - cw) / 2, 0, cw, h);
        }
        int ch = (int) Math.max(1, Math.round((double) w * dh / dw));
        return new Region(0, (h - ch) / 2, w, ch);
    }

    /** A rectangle of pixels: left column, top row, width and height. */
    public record Region(int x, int y, int width, int height) {}
}
