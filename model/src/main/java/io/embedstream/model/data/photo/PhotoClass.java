package io.embedstream.model.data.photo;

import java.util.Locale;
import java.util.Objects;

/**
 * One class of the photo-like set: an object shape in a colour with a surface pattern.
 *
 * <p>Class {@code k} is {@code (shape k mod 9, colour k mod 8, pattern k mod 5)}. The three counts are pairwise
 * coprime, so by the Chinese remainder theorem this is a bijection between [0, {@value #COUNT}) and all
 * combinations, and any {@code N} consecutive classes use every shape, colour and pattern about equally often
 * (with N at least 9, 8 and 5 respectively, all of them). Class k is the same object in every dataset, whatever
 * its size or class count.
 */
public record PhotoClass(ObjectShape shape, ObjectColour colour, SurfacePattern pattern) {
    /** The number of distinct classes: 9 shapes x 8 colours x 5 patterns. */
    public static final int COUNT = ObjectShape.values().length * ObjectColour.values().length
            * SurfacePattern.values().length;

    public PhotoClass {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(pattern, "pattern");
    }

    /** Class {@code k} in [0, {@value #COUNT}); see the class comment. */
    public static PhotoClass of(int k) {
        if (k < 0 || k >= COUNT) {
            throw new IllegalArgumentException("photo class must be in [0, " + COUNT + "), got " + k);
        }
        return new PhotoClass(ObjectShape.values()[k % ObjectShape.values().length],
                ObjectColour.values()[k % ObjectColour.values().length],
                SurfacePattern.values()[k % SurfacePattern.values().length]);
    }

    /** A readable name, e.g. {@code red-stripes-star}. */
    public String name() {
        return (colour + "-" + pattern + "-" + shape).toLowerCase(Locale.ROOT);
    }
}
