package io.embedstream.model.data.corruption;

import io.embedstream.model.random.Rng;

/** Pixel operations behind {@link Corruption}, on interleaved HWC u8 arrays. Each returns a new array. */
final class CorruptionOps {
    private static final int OCCLUSION_GREY = 128;

    private CorruptionOps() {}

    /**
     * Rotation by {@code radians} about the image centre. Each output pixel samples the input bilinearly at the
     * inversely rotated position; positions outside take the nearest edge pixel, so no colour foreign to the
     * image (a black or grey wedge) is introduced in the corners.
     */
    static byte[] rotate(byte[] src, int w, int h, int ch, double radians) {
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = x - cx;
                double dy = y - cy;
                double sx = clamp(cos * dx + sin * dy + cx, 0, w - 1);
                double sy = clamp(-sin * dx + cos * dy + cy, 0, h - 1);
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                int x1 = Math.min(x0 + 1, w - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                double fx = sx - x0;
                double fy = sy - y0;
                for (int c = 0; c < ch; c++) {
                    double top = (1 - fx) * sample(src, w, ch, x0, y0, c) + fx * sample(src, w, ch, x1, y0, c);
                    double bottom = (1 - fx) * sample(src, w, ch, x0, y1, c) + fx * sample(src, w, ch, x1, y1, c);
                    out[(y * w + x) * ch + c] = toByte((1 - fy) * top + fy * bottom);
                }
            }
        }
        return out;
    }

    /** Every sample v becomes 255 (v / 255)^exponent. */
    static byte[] gamma(byte[] src, double exponent) {
        byte[] table = new byte[256];
        for (int v = 0; v < 256; v++) {
            table[v] = toByte(255 * Math.pow(v / 255.0, exponent));
        }
        byte[] out = new byte[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = table[src[i] & 0xFF];
        }
        return out;
    }

    /** Each pixel, with probability {@code share}, becomes black or white (even odds) in every channel. */
    static byte[] saltPepper(byte[] src, int ch, double share, Rng rng) {
        byte[] out = src.clone();
        for (int p = 0; p < src.length / ch; p++) {
            if (rng.nextDouble() < share) {
                byte v = rng.nextDouble() < 0.5 ? 0 : (byte) 255;
                for (int c = 0; c < ch; c++) {
                    out[p * ch + c] = v;
                }
            }
        }
        return out;
    }

    /** A mid-grey box of {@code fraction} of each side, at a position drawn uniformly among those inside. */
    static byte[] occlude(byte[] src, int w, int h, int ch, double fraction, Rng rng) {
        int bw = Math.max(1, (int) Math.round(fraction * w));
        int bh = Math.max(1, (int) Math.round(fraction * h));
        int x0 = rng.nextInt(w - bw + 1);
        int y0 = rng.nextInt(h - bh + 1);
        byte[] out = src.clone();
        for (int y = y0; y < y0 + bh; y++) {
            for (int x = x0; x < x0 + bw; x++) {
                for (int c = 0; c < ch; c++) {
                    out[(y * w + x) * ch + c] = (byte) OCCLUSION_GREY;
                }
            }
        }
        return out;
    }

    /**
     * Every {@code block} x {@code block} block takes the value of one pixel, its centre (clamped to the image at
     * the right and bottom edges): nearest-neighbour down- and upsampling, no averaging.
     */
    static byte[] pixelate(byte[] src, int w, int h, int ch, int block) {
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            int sy = Math.min((y / block) * block + block / 2, h - 1);
            for (int x = 0; x < w; x++) {
                int sx = Math.min((x / block) * block + block / 2, w - 1);
                System.arraycopy(src, (sy * w + sx) * ch, out, (y * w + x) * ch, ch);
            }
        }
        return out;
    }

    private static int sample(byte[] src, int w, int ch, int x, int y, int c) {
        return src[(y * w + x) * ch + c] & 0xFF;
    }

    private static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : (v > hi ? hi : v);
    }

    private static byte toByte(double v) {
        long r = Math.round(v);
        return (byte) (r < 0 ? 0 : (r > 255 ? 255 : r));
    }
}
