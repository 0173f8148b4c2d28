package io.embedstream.model.data.photo;

import java.util.SplittableRandom;

/**
 * The light a scene is photographed under: an overall exposure, a linear falloff across the frame in a random
 * direction (light from one side), and a warm or cool colour cast. Applied to the finished scene, object and
 * background alike, as a camera would see it.
 *
 * @param exposure  overall brightness factor
 * @param falloff   brightness change from the frame's centre to its edge along {@code direction}, as a share
 * @param direction direction of increasing light, radians
 * @param warmth    colour cast: red gains and blue loses this share (negative: cooler)
 */
record Lighting(double exposure, double falloff, double direction, double warmth) {
    static final double MIN_EXPOSURE = 0.65;
    static final double MAX_EXPOSURE = 1.25;
    static final double MAX_FALLOFF = 0.5;
    static final double MAX_WARMTH = 0.08;

    static Lighting random(SplittableRandom rng) {
        return new Lighting(MIN_EXPOSURE + (MAX_EXPOSURE - MIN_EXPOSURE) * rng.nextDouble(),
                MAX_FALLOFF * rng.nextDouble(), rng.nextDouble() * 2 * Math.PI,
                (rng.nextDouble() * 2 - 1) * MAX_WARMTH);
    }

    /** Lights a packed-RGB canvas in place. */
    void apply(int[] rgb, int w, int h) {
        double cos = Math.cos(direction);
        double sin = Math.sin(direction);
        double half = Math.min(w, h) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double along = ((x + 0.5 - w / 2.0) * cos + (y + 0.5 - h / 2.0) * sin) / half;
                double gain = exposure * (1 + falloff * along);
                int p = rgb[y * w + x];
                int r = clamp(((p >> 16) & 0xFF) * gain * (1 + warmth));
                int g = clamp(((p >> 8) & 0xFF) * gain);
                int b = clamp((p & 0xFF) * gain * (1 - warmth));
                rgb[y * w + x] = (r << 16) | (g << 8) | b;
            }
        }
    }

    private static int clamp(double v) {
        long r = Math.round(v);
        return (int) (r < 0 ? 0 : (r > 255 ? 255 : r));
    }
}
