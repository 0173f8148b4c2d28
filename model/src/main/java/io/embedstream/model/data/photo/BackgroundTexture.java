package io.embedstream.model.data.photo;

import java.awt.Color;
import java.util.SplittableRandom;

/**
 * The backdrops objects are placed on: procedural textures between two muted colours of a random hue, so that
 * they vary from image to image but rarely compete with the saturated object colours. Each paints every pixel of
 * a packed-RGB canvas.
 */
enum BackgroundTexture {
    /** Soft blotches, like an out-of-focus scene. */
    CLOUDS {
        @Override void paint(int[] rgb, int w, int h, Color a, Color b, SplittableRandom rng) {
            ValueNoise coarse = ValueNoise.random(2 + rng.nextInt(4), rng);
            ValueNoise fine = ValueNoise.random(6 + rng.nextInt(6), rng);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double u = (double) x / w;
                    double v = (double) y / h;
                    rgb[y * w + x] = mix(a, b, 0.75 * coarse.at(u, v) + 0.25 * fine.at(u, v));
                }
            }
        }
    },
    /** Wood or fabric grain: bands along a random direction, warped by noise. */
    GRAIN {
        @Override void paint(int[] rgb, int w, int h, Color a, Color b, SplittableRandom rng) {
            double angle = rng.nextDouble() * Math.PI;
            double period = 0.06 + 0.12 * rng.nextDouble();
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            ValueNoise warp = ValueNoise.random(3 + rng.nextInt(3), rng);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double u = (double) x / w;
                    double v = (double) y / h;
                    double t = (u * cos + v * sin) / period + 2.0 * warp.at(u, v);
                    rgb[y * w + x] = mix(a, b, 0.5 + 0.5 * Math.sin(2 * Math.PI * t));
                }
            }
        }
    },
    /** Floor or wall tiles with grout lines, at a random scale and angle. */
    TILES {
        @Override void paint(int[] rgb, int w, int h, Color a, Color b, SplittableRandom rng) {
            double angle = rng.nextDouble() * Math.PI / 2;
            double tile = 0.15 + 0.25 * rng.nextDouble();
            double grout = 0.06;
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            ValueNoise stain = ValueNoise.random(4, rng);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double u = (double) x / w;
                    double v = (double) y / h;
                    double p = (u * cos - v * sin) / tile;
                    double q = (u * sin + v * cos) / tile;
                    double fp = p - Math.floor(p);
                    double fq = q - Math.floor(q);
                    boolean line = fp < grout || fq < grout;
                    double t = line ? 1.0 : 0.25 * stain.at(u, v);
                    rgb[y * w + x] = mix(a, b, t);
                }
            }
        }
    },
    /** Speckle, like gravel, sand or a carpet: fine random grain over a gentle variation. */
    SPECKLE {
        @Override void paint(int[] rgb, int w, int h, Color a, Color b, SplittableRandom rng) {
            ValueNoise base = ValueNoise.random(3, rng);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double t = 0.5 * base.at((double) x / w, (double) y / h) + 0.5 * rng.nextDouble();
                    rgb[y * w + x] = mix(a, b, t);
                }
            }
        }
    };

    /** Fills {@code rgb} ({@code w x h}, packed 0xRRGGBB) with this texture between colours {@code a} and {@code b}. */
    abstract void paint(int[] rgb, int w, int h, Color a, Color b, SplittableRandom rng);

    /** Paints a random texture in a random muted two-colour palette. */
    static void paintRandom(int[] rgb, int w, int h, SplittableRandom rng) {
        BackgroundTexture texture = values()[rng.nextInt(values().length)];
        float hue = (float) rng.nextDouble();
        float saturation = 0.05f + 0.35f * (float) rng.nextDouble();
        float brightness = 0.25f + 0.6f * (float) rng.nextDouble();
        float contrast = 0.12f + 0.25f * (float) rng.nextDouble();
        float other = brightness + (brightness > 0.55f ? -contrast : contrast);
        Color a = Color.getHSBColor(hue, saturation, brightness);
        Color b = Color.getHSBColor(hue + (float) ((rng.nextDouble() - 0.5) * 0.2), saturation, other);
        texture.paint(rgb, w, h, a, b, rng);
    }

    private static int mix(Color a, Color b, double t) {
        double s = Math.max(0, Math.min(1, t));
        int r = (int) Math.round(a.getRed() + s * (b.getRed() - a.getRed()));
        int g = (int) Math.round(a.getGreen() + s * (b.getGreen() - a.getGreen()));
        int bl = (int) Math.round(a.getBlue() + s * (b.getBlue() - a.getBlue()));
        return (r << 16) | (g << 8) | bl;
    }
}
