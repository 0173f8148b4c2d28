package io.embedstream.model.data.corruption;

import io.embedstream.model.random.Rng;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Test-time corruptions that no training stream of this project contains: they measure robustness to conditions
 * the model never saw. They are a type of their own, not {@link io.embedstream.model.data.Degradation} constants,
 * so a corruption cannot be handed to a {@link io.embedstream.model.data.DegradationPlan} (the stream's and the
 * quality experiments' source of degraded images) or to anything else that takes a {@code Degradation}.
 *
 * <p>Each kind has {@value #LEVELS} levels; level 1 is the mildest. The parameters per level (side = image side):
 * <ul>
 *   <li>{@link #ROTATE} (geometric): rotation about the centre by 15, 30 or 45 degrees, clockwise or not (drawn
 *       from the seed), bilinear sampling, outside pixels taken from the nearest edge. The stream's degradations
 *       never move content; {@code --augment-shift} translates but never rotates.</li>
 *   <li>{@link #GAMMA} (photometric): every sample v becomes 255 (v / 255)^g, g = 0.6, 0.4 or 0.25: a tone curve
 *       that brightens dark and mid tones and keeps black and white, unlike low contrast, which pulls every
 *       sample towards the mean.</li>
 *   <li>{@link #SALT_PEPPER} (impulse noise): 4, 8 or 16% of the pixels (all channels of a pixel together) set to
 *       black or white, even odds; sparse and saturated, unlike the Gaussian noise on every sample.</li>
 *   <li>{@link #OCCLUSION}: a mid-grey (128) box of 0.3, 0.4 or 0.5 times the width by as much of the height, at
 *       a position drawn from the seed, entirely inside the image.</li>
 *   <li>{@link #PIXELATE} (resampling): point sampling every 2nd, 3rd or 4th pixel (the centre of each block) and
 *       nearest-neighbour replication back to the full size: aliasing and hard block edges, where the stream's
 *       downscale averages areas and interpolates back smoothly.</li>
 * </ul>
 * The result is a pure function of the image, the level and the seed; sizes and channel counts are kept.
 */
public enum Corruption {
    ROTATE("rotate", "rotation by ±%s degrees", 15, 30, 45) {
        @Override byte[] corrupt(LabeledImage im, double p, Rng rng) {
            double degrees = rng.nextDouble() < 0.5 ? p : -p;
            return CorruptionOps.rotate(im.pixels(), im.width(), im.height(), im.channels(), Math.toRadians(degrees));
        }
    },
    GAMMA("gamma", "gamma %s", 0.6, 0.4, 0.25) {
        @Override byte[] corrupt(LabeledImage im, double p, Rng rng) {
            return CorruptionOps.gamma(im.pixels(), p);
        }
    },
    SALT_PEPPER("salt-pepper", "%s of the pixels black or white", 0.04, 0.08, 0.16) {
        @Override byte[] corrupt(LabeledImage im, double p, Rng rng) {
            return CorruptionOps.saltPepper(im.pixels(), im.channels(), p, rng);
        }
    },
    OCCLUSION("occlusion", "grey box of %s of each side", 0.3, 0.4, 0.5) {
        @Override byte[] corrupt(LabeledImage im, double p, Rng rng) {
            return CorruptionOps.occlude(im.pixels(), im.width(), im.height(), im.channels(), p, rng);
        }
    },
    PIXELATE("pixelate", "%s-pixel blocks, point-sampled", 2, 3, 4) {
        @Override byte[] corrupt(LabeledImage im, double p, Rng rng) {
            return CorruptionOps.pixelate(im.pixels(), im.width(), im.height(), im.channels(), (int) p);
        }
    };

    /** Levels per kind; level 1 is the mildest. */
    public static final int LEVELS = 3;

    private final String cliName;
    private final String describeFormat;
    private final double[] parameters;

    Corruption(String cliName, String describeFormat, double... parameters) {
        this.cliName = cliName;
        this.describeFormat = describeFormat;
        this.parameters = parameters;
    }

    /** The name on the command line and in reports, e.g. {@code salt-pepper}. */
    public String cliName() {
        return cliName;
    }

    /** The kind's parameter at {@code level} (degrees, exponent, share, side fraction or block size). */
    public double parameter(int level) {
        checkLevel(level);
        return parameters[level - 1];
    }

    /** What {@code level} does, in words, for reports. */
    public String describe(int level) {
        double p = parameter(level);
        String value = p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
        return String.format(Locale.ROOT, describeFormat, value);
    }

    /**
     * This corruption of {@code image} at {@code level} (1 to {@value #LEVELS}); the random choices (rotation
     * direction, impulse positions, box position) come from {@code seed} only. Keeps id, label and shape.
     */
    public LabeledImage apply(LabeledImage image, int level, long seed) {
        Objects.requireNonNull(image, "image");
        double p = parameter(level);
        return image.withPixels(corrupt(image, p, new Rng(seed)));
    }

    /**
     * This corruption of every image at {@code level}, in order. Image i's random choices come from a seed that
     * depends on {@code seed}, the kind and i but not on the level, so the three levels of an image share the
     * rotation direction and the box position and differ only in strength.
     */
    public List<LabeledImage> apply(List<LabeledImage> images, int level, long seed) {
        checkLevel(level);
        long kindSeed = Rng.mix(seed + ordinal());
        List<LabeledImage> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            out.add(apply(images.get(i), level, Rng.mix(kindSeed + i)));
        }
        return List.copyOf(out);
    }

    abstract byte[] corrupt(LabeledImage image, double parameter, Rng rng);

    /** The kind named {@code name} ({@link #cliName()}, any case). */
    public static Corruption parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Corruption c : values()) {
            if (c.cliName.equals(n)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown corruption '" + name.trim() + "'; the kinds are "
                + CorruptionSet.names(List.of(values())));
    }

    static void checkLevel(int level) {
        if (level < 1 || level > LEVELS) {
            throw new IllegalArgumentException("corruption level must be 1 to " + LEVELS + ", got " + level);
        }
    }
}
