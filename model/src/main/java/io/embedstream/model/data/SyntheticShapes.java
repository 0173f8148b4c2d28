package io.embedstream.model.data;

import io.embedstream.model.random.Rng;
import io.embedstream.types.LabeledImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generator of labeled synthetic images of ten drawn shape classes ({@link ShapeClass}), needing no download and
 * no system fonts. Each image is a randomly posed shape: rotation within +-{@value #MAX_ROTATION_DEGREES} degrees,
 * size 50..85% of the shorter image side, translated so that it stays inside the frame, stroke width 8..16% of the
 * shape size for outline classes; rasterised anti-aliased with Java2D (headless-safe: only off-screen images).
 *
 * <p>Grayscale images are a bright shape (grey level 190..255) on a dark background (0..40), like MNIST. RGB
 * images use random foreground and background colours whose luminances differ by at least 100 grey levels, so
 * the shape always stays visible.
 *
 * <p>Labels are assigned class-balanced round robin: image {@code i} has label {@code i % numClasses}, so any
 * run of {@code k * numClasses} consecutive images holds exactly {@code k} of each class. Image {@code i} depends
 * only on (seed, i) and the configuration, not on how many images were generated before, so {@link #image(long)}
 * gives random access and two generators with the same configuration produce identical images. Ids are
 * {@code synthetic-<seed>-<index>}.
 *
 * <p>Not thread-safe: an instance reuses one off-screen canvas and keeps a cursor for {@link #next()}. Use one
 * instance per thread.
 */
public final class SyntheticShapes {
    static final int MAX_ROTATION_DEGREES = 15;
    private static final int MIN_RGB_LUMA_GAP = 100;

    private final int width;
    private final int height;
    private final int channels;
    private final int numClasses;
    private final long seed;
    private final BufferedImage canvas;
    private final byte[] coverage;
    private long cursor;

    private SyntheticShapes(Builder b) {
        this.width = b.width;
        this.height = b.height;
        this.channels = b.channels;
        this.numClasses = b.numClasses;
        this.seed = b.seed;
        this.canvas = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        this.coverage = ((DataBufferByte) canvas.getRaster().getDataBuffer()).getData();
    }

    /** A builder with the defaults: 28x28, 1 channel, 10 classes, seed 42. */
    public static Builder builder() {
        return new Builder();
    }

    /** The next image in index order (starting at index 0), advancing this generator's cursor. */
    public LabeledImage next() {
        return image(cursor++);
    }

    /** The next {@code n} images from the cursor, class-balanced round robin (see the class comment). */
    public List<LabeledImage> generate(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("number of images must be >= 0, got " + n);
        }
        List<LabeledImage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    /** The image at {@code index}, independent of the cursor; label {@code index % numClasses}. */
    public LabeledImage image(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("image index must be >= 0, got " + index);
        }
        int label = (int) (index % numClasses);
        SplittableRandom rng = new SplittableRandom(mix(seed, index));
        ShapeClass shape = ShapeClass.values()[label];
        rasterise(shape, rng);
        byte[] pixels = channels == 1 ? composeGray(rng) : composeRgb(rng);
        return new LabeledImage("synthetic-" + seed + "-" + index, label, width, height, channels, pixels);
    }

    public int width() { return width; }
    public int height() { return height; }
    public int channels() { return channels; }
    public int numClasses() { return numClasses; }
    public long seed() { return seed; }

    /** Draws the shape's coverage (0..255) into the canvas. */
    private void rasterise(ShapeClass shape, SplittableRandom rng) {
        java.util.Arrays.fill(coverage, (byte) 0);
        double side = Math.min(width, height);
        double size = side * (0.50 + 0.35 * rng.nextDouble());
        // The rotated unit frame reaches up to sqrt(2)/2 of the size; keep most of the shape inside the image.
        double slackX = Math.max(0, (width - size) / 2 - 0.5);
        double slackY = Math.max(0, (height - size) / 2 - 0.5);
        double cx = width / 2.0 + (rng.nextDouble() * 2 - 1) * slackX;
        double cy = height / 2.0 + (rng.nextDouble() * 2 - 1) * slackY;
        double angle = Math.toRadians((rng.nextDouble() * 2 - 1) * MAX_ROTATION_DEGREES);
        double strokePixels = size * (0.08 + 0.08 * rng.nextDouble());

        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            AffineTransform t = new AffineTransform();
            t.translate(cx, cy);
            t.rotate(angle);
            t.scale(size, size);
            g.setColor(Color.WHITE);
            java.awt.Shape placed = t.createTransformedShape(shape.geometry());
            if (shape.filled()) {
                g.fill(placed);
            } else {
                // Stroke in pixel units (after the transform) so that the width does not scale anisotropically.
                g.setStroke(new BasicStroke((float) strokePixels, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(placed);
            }
        } finally {
            g.dispose();
        }
    }

    private byte[] composeGray(SplittableRandom rng) {
        int fg = 190 + rng.nextInt(66);
        int bg = rng.nextInt(41);
        byte[] out = new byte[width * height];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) blend(bg, fg, coverage[i] & 0xFF);
        }
        return out;
    }

    private byte[] composeRgb(SplittableRandom rng) {
        int[] fg = new int[3];
        int[] bg = new int[3];
        do {
            for (int c = 0; c < 3; c++) {
                fg[c] = rng.nextInt(256);
                bg[c] = rng.nextInt(256);
            }
        } while (Math.abs(luma(fg) - luma(bg)) < MIN_RGB_LUMA_GAP);
        byte[] out = new byte[width * height * 3];
        for (int i = 0; i < coverage.length; i++) {
            int a = coverage[i] & 0xFF;
            for (int c = 0; c < 3; c++) {
                out[3 * i + c] = (byte) blend(bg[c], fg[c], a);
            }
        }
        return out;
    }

    private static int blend(int bg, int fg, int alpha) {
        return (bg * (255 - alpha) + fg * alpha + 127) / 255;
    }

    private static double luma(int[] rgb) {
        return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    }

    /** SplitMix64 finaliser of (seed, index): decorrelates neighbouring indices and seeds. */
    private static long mix(long seed, long index) {
        return Rng.mix(seed + 0x9E3779B97F4A7C15L * (index + 1));
    }

    /** Configuration of a {@link SyntheticShapes} generator. */
    public static final class Builder {
        private int width = 28;
        private int height = 28;
        private int channels = 1;
        private int numClasses = 10;
        private long seed = 42L;

        private Builder() {}

        /** Image size in pixels; default 28x28. Each side must be in [8, 4096]. */
        public Builder size(int width, int height) {
            if (width < 8 || height < 8 || width > 4096 || height > 4096) {
                throw new IllegalArgumentException("image size must be in [8, 4096] per side, got "
                        + width + "x" + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        /** 1 (grayscale, default) or 3 (RGB with random colours). */
        public Builder channels(int channels) {
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
            }
            this.channels = channels;
            return this;
        }

        /** Number of classes in [2, 10], default 10; the first {@code n} {@link ShapeClass}es are used. */
        public Builder numClasses(int numClasses) {
            if (numClasses < 2 || numClasses > ShapeClass.values().length) {
                throw new IllegalArgumentException("number of classes must be in [2, "
                        + ShapeClass.values().length + "], got " + numClasses);
            }
            this.numClasses = numClasses;
            return this;
        }

        /** Seed of the generator; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public SyntheticShapes build() {
            return new SyntheticShapes(this);
        }
    }
}
