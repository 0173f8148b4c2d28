package io.embedstream.model.data.photo;

import io.embedstream.model.random.Rng;
import io.embedstream.types.LabeledImage;
import io.embedstream.types.Resampler;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generator of a photo-like labeled RGB dataset that needs no download: one object of a {@link PhotoClass} (shape
 * x colour x pattern) per image, on a {@link BackgroundTexture} that changes from image to image, in a random
 * {@link Pose} (any rotation, 45..80% of the shorter side, anywhere in the frame, mildly squashed) under random
 * {@link Lighting} (exposure, falloff, colour cast).
 *
 * <p>Scenes are drawn with Java2D anti-aliasing at {@link #supersampling(int, int)} times the output size and
 * area-averaged down, so pattern edges and texture grain are band-limited like a camera's: shrinking the images
 * further with an area average does not alias.
 *
 * <p>Image {@code i} has label {@code i % numClasses} and depends only on (seed, i) and the configuration, so any
 * range of images can be generated in any order, and the test split can continue the train split's indices.
 * Ids are {@code photos-<seed>-<index>}. Immutable and thread-safe.
 */
public final class PhotoObjects {
    /** Default and largest supported class count. */
    public static final int DEFAULT_CLASSES = 120;
    public static final int MAX_CLASSES = PhotoClass.COUNT;
    public static final int MIN_SIDE = 16;
    public static final int MAX_SIDE = 1024;

    private final int width;
    private final int height;
    private final int numClasses;
    private final long seed;
    // Per class, the outline and the printed part of it. Built once: the area operations cost more than drawing.
    // Never modified after construction, so sharing them between threads is safe.
    private final Area[] outlines;
    private final Area[] prints;

    private PhotoObjects(Builder b) {
        this.width = b.width;
        this.height = b.height;
        this.numClasses = b.numClasses;
        this.seed = b.seed;
        this.outlines = new Area[numClasses];
        this.prints = new Area[numClasses];
        for (int k = 0; k < numClasses; k++) {
            PhotoClass cls = PhotoClass.of(k);
            outlines[k] = new Area(cls.shape().outline());
            prints[k] = cls.pattern().region();
            prints[k].intersect(outlines[k]);
        }
    }

    /** A builder with the defaults: 64x64, {@value #DEFAULT_CLASSES} classes, seed 42. */
    public static Builder builder() {
        return new Builder();
    }

    /** Images {@code from .. from + count - 1}, in index order. */
    public List<LabeledImage> images(long from, int count) {
        if (from < 0 || count < 0) {
            throw new IllegalArgumentException("image range must start at >= 0 and hold >= 0 images, got "
                    + count + " from " + from);
        }
        List<LabeledImage> out = new ArrayList<>(count);
        for (long i = from; i < from + count; i++) {
            out.add(image(i));
        }
        return out;
    }

    /** The image at {@code index}; label {@code index % numClasses}. */
    public LabeledImage image(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("image index must be >= 0, got " + index);
        }
        int label = (int) (index % numClasses);
        SplittableRandom rng = new SplittableRandom(Rng.mix(seed + 0x9E3779B97F4A7C15L * (index + 1)));
        int factor = supersampling(width, height);
        int w = width * factor;
        int h = height * factor;
        BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
        BackgroundTexture.paintRandom(rgb, w, h, rng);
        Color body = PhotoClass.of(label).colour().draw(rng);
        drawObject(canvas, outlines[label], prints[label], body, Pose.random(width, height, rng).scaled(factor));
        Lighting.random(rng).apply(rgb, w, h);
        return new LabeledImage("photos-" + seed + "-" + index, label, width, height, 3, downsample(rgb, w, h, factor));
    }

    /**
     * How many times larger than the output a scene is drawn: enough that the finest pattern detail (an eighth of
     * the object) spans several canvas pixels even at 28 px.
     */
    static int supersampling(int width, int height) {
        int side = Math.min(width, height);
        return side < 48 ? 4 : (side < 128 ? 2 : 1);
    }

    public int width() { return width; }
    public int height() { return height; }
    public int channels() { return 3; }
    public int numClasses() { return numClasses; }
    public long seed() { return seed; }

    private static void drawObject(BufferedImage canvas, Area outline, Area print, Color body, Pose pose) {
        AffineTransform t = pose.transform();
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            // A soft shadow offset from the object grounds it on the backdrop, as in a photo of a real thing.
            Shape placed = t.createTransformedShape(outline);
            AffineTransform shadowOffset = AffineTransform.getTranslateInstance(pose.size() * 0.04, pose.size() * 0.05);
            g.setColor(new Color(0, 0, 0, 70));
            g.fill(shadowOffset.createTransformedShape(placed));
            g.setColor(body);
            g.fill(placed);
            if (!print.isEmpty()) {
                g.setColor(SurfacePattern.inkOn(body));
                g.fill(t.createTransformedShape(print));
            }
        } finally {
            g.dispose();
        }
    }

    private static byte[] downsample(int[] rgb, int w, int h, int factor) {
        byte[] bytes = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            bytes[3 * i] = (byte) (rgb[i] >> 16);
            bytes[3 * i + 1] = (byte) (rgb[i] >> 8);
            bytes[3 * i + 2] = (byte) rgb[i];
        }
        if (factor == 1) {
            return bytes;
        }
        double[] averaged = Resampler.areaAverage(bytes, w, h, 3, w / factor, h / factor);
        byte[] out = new byte[averaged.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Math.min(255, Math.round(averaged[i]));
        }
        return out;
    }

    /** Configuration of a {@link PhotoObjects} generator. */
    public static final class Builder {
        private int width = 64;
        private int height = 64;
        private int numClasses = DEFAULT_CLASSES;
        private long seed = 42L;

        private Builder() {}

        /** Image size in pixels; default 64x64. Each side must be in [{@value #MIN_SIDE}, {@value #MAX_SIDE}]. */
        public Builder size(int width, int height) {
            if (width < MIN_SIDE || height < MIN_SIDE || width > MAX_SIDE || height > MAX_SIDE) {
                throw new IllegalArgumentException("photo image size must be in [" + MIN_SIDE + ", " + MAX_SIDE
                        + "] per side, got " + width + "x" + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        /** Number of classes in [2, {@value #MAX_CLASSES}]; default {@value #DEFAULT_CLASSES}. */
        public Builder numClasses(int numClasses) {
            if (numClasses < 2 || numClasses > MAX_CLASSES) {
                throw new IllegalArgumentException("photo classes must be in [2, " + MAX_CLASSES + "] (9 shapes x 8"
                        + " colours x 5 patterns), got " + numClasses);
            }
            this.numClasses = numClasses;
            return this;
        }

        /** Seed of the generator; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public PhotoObjects build() {
            return new PhotoObjects(this);
        }
    }
}
