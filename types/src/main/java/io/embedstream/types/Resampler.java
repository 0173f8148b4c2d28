package io.embedstream.types;

/**
 * The project's one image resampler, for 8-bit interleaved (HWC) pixels: the decoder fits images to the network's
 * input with it ({@link #fit}), and the downscale degradation uses it to lose detail.
 *
 * <p>{@link #resize} area-averages along an axis that shrinks (a 1000-px photo to 96 px must not alias, which
 * bilinear sampling of 2 of every 10 pixels would) and interpolates bilinearly along one that grows.
 *
 * <p>Both methods place pixel centres at half-pixel offsets (as OpenCV's {@code INTER_LINEAR} and
 * {@code INTER_AREA}), so a resize neither shifts the image nor favours one edge.
 */
public final class Resampler {
    private Resampler() {}

    /** Pixel values of a source image, read by index; lets one bilinear kernel serve bytes and doubles. */
    private interface Samples {
        double at(int index);
    }

    /**
     * Fits {@code src} ({@code w x h x ch}) to {@code dw x dh} by {@code mode}: crops (for {@link FitMode#CROP}),
     * then {@link #resize}s. Returns {@code src} itself when nothing changes.
     */
    public static byte[] fit(byte[] src, int w, int h, int ch, int dw, int dh, FitMode mode) {
        FitMode.Region r = mode.region(w, h, dw, dh);
        if (r.width() == w && r.height() == h) {
            return resize(src, w, h, ch, dw, dh);
        }
        return resize(crop(src, w, ch, r), r.width(), r.height(), ch, dw, dh);
    }

    /**
     * Resize of {@code src} ({@code w x h x ch}) to {@code dw x dh}: area average along each axis that shrinks,
     * then bilinear along each that grows, rounded once at the end. Returns {@code src} itself when the size
     * already matches.
     */
    public static byte[] resize(byte[] src, int w, int h, int ch, int dw, int dh) {
        checkSize(dw, dh);
        if (w == dw && h == dh) {
            return src;
        }
        int mw = Math.min(w, dw);
        int mh = Math.min(h, dh);
        if (mw == w && mh == h) {
            return bilinear(src, w, h, ch, dw, dh);
        }
        double[] shrunk = areaAverage(src, w, h, ch, mw, mh);
        return mw == dw && mh == dh ? round(shrunk) : bilinear(shrunk, mw, mh, ch, dw, dh);
    }

    /** The pixels of {@code region} of a {@code w}-wide image, as an image of their own. */
    static byte[] crop(byte[] src, int w, int ch, FitMode.Region region) {
        byte[] out = new byte[region.width() * region.height() * ch];
        int rowBytes = region.width() * ch;
        for (int y = 0; y < region.height(); y++) {
            System.arraycopy(src, ((region.y() + y) * w + region.x()) * ch, out, y * rowBytes, rowBytes);
        }
        return out;
    }

    /**
     * Bilinear resize of {@code src} ({@code w x h x ch}) to {@code dw x dh}, rounded to bytes; returns {@code src}
     * itself when the size already matches.
     */
    public static byte[] bilinear(byte[] src, int w, int h, int ch, int dw, int dh) {
        if (w == dw && h == dh) {
            return src;
        }
        return bilinear(i -> src[i] & 0xFF, w, h, ch, dw, dh);
    }

    /**
     * Bilinear resize of unrounded values, so an area average followed by an enlargement rounds once, at the end.
     */
    public static byte[] bilinear(double[] src, int w, int h, int ch, int dw, int dh) {
        return bilinear(i -> src[i], w, h, ch, dw, dh);
    }

    /**
     * Area-average reduction of {@code src} to {@code dw x dh}: each output pixel is the mean of the source area it
     * covers, fractional pixels weighted by their overlap, so shrinking does not alias. Values stay unrounded.
     */
    public static double[] areaAverage(byte[] src, int w, int h, int ch, int dw, int dh) {
        checkSize(dw, dh);
        double[] out = new double[dw * dh * ch];
        double fx = (double) w / dw;
        double fy = (double) h / dh;
        for (int sy = 0; sy < dh; sy++) {
            double y0 = sy * fy;
            double y1 = y0 + fy;
            for (int sx = 0; sx < dw; sx++) {
                double x0 = sx * fx;
                double x1 = x0 + fx;
                for (int c = 0; c < ch; c++) {
                    double acc = 0;
                    double area = 0;
                    for (int y = (int) y0; y < Math.min(h, Math.ceil(y1)); y++) {
                        double wy = Math.min(y + 1, y1) - Math.max(y, y0);
                        for (int x = (int) x0; x < Math.min(w, Math.ceil(x1)); x++) {
                            double wx = Math.min(x + 1, x1) - Math.max(x, x0);
                            acc += wx * wy * (src[(y * w + x) * ch + c] & 0xFF);
                            area += wx * wy;
                        }
                    }
                    out[(sy * dw + sx) * ch + c] = acc / area;
                }
            }
        }
        return out;
    }

    private static byte[] bilinear(Samples src, int w, int h, int ch, int dw, int dh) {
        checkSize(dw, dh);
        byte[] out = new byte[dw * dh * ch];
        double scaleX = (double) w / dw;
        double scaleY = (double) h / dh;
        for (int y = 0; y < dh; y++) {
            double sy = clamp((y + 0.5) * scaleY - 0.5, h - 1);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, h - 1);
            double ty = sy - y0;
            for (int x = 0; x < dw; x++) {
                double sx = clamp((x + 0.5) * scaleX - 0.5, w - 1);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, w - 1);
                double tx = sx - x0;
                for (int c = 0; c < ch; c++) {
                    double top = (1 - tx) * src.at((y0 * w + x0) * ch + c) + tx * src.at((y0 * w + x1) * ch + c);
                    double bottom = (1 - tx) * src.at((y1 * w + x0) * ch + c) + tx * src.at((y1 * w + x1) * ch + c);
                    out[(y * dw + x) * ch + c] = toByte((1 - ty) * top + ty * bottom);
                }
            }
        }
        return out;
    }

    private static void checkSize(int dw, int dh) {
        if (dw <= 0 || dh <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + dw + "x" + dh);
        }
    }

    private static byte[] round(double[] values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = toByte(values[i]);
        }
        return out;
    }

    private static double clamp(double v, double hi) {
        return v < 0 ? 0 : (v > hi ? hi : v);
    }

    private static byte toByte(double v) {
        long r = Math.round(v);
        return (byte) (r < 0 ? 0 : (r > 255 ? 255 : r));
    }
}
