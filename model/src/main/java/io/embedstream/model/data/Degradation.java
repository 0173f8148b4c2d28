package io.embedstream.model.data;

import io.embedstream.types.LabeledImage;
import java.util.Objects;
import java.util.Random;

/**
 * Image degradations with a severity in [0, 1]: 0 is the identity (the same image is returned), 1 the strongest
 * setting, which still leaves a 28x28 digit or shape recognisable. This serves data-quality imbalance
 * experiments, not destruction. The severity-to-parameter mappings (s = severity, {@code side} = the shorter
 * image side in pixels):
 *
 * <ul>
 *   <li>{@link #BLUR}: Gaussian blur, sigma = {@value #BLUR_MAX_SIGMA_AT_28} * s * side / 28 pixels, so the same
 *       severity removes the same share of the image's detail at any resolution.</li>
 *   <li>{@link #NOISE}: additive Gaussian noise per sample, sigma = {@value #NOISE_MAX_SIGMA} * s grey levels
 *       (then clipped to [0, 255]); independent of the size, as sensor noise is per pixel.</li>
 *   <li>{@link #JPEG}: JPEG round trip (JDK ImageIO baseline codec with its default tables and chroma
 *       subsampling) at quality
 *       {@value #JPEG_BEST_QUALITY} * ({@value #JPEG_WORST_QUALITY} / {@value #JPEG_BEST_QUALITY})^s percent
 *       (geometric: 50 at s = 0+, about 16 at s = 0.5, 5 at s = 1; see {@link #jpegQuality(double)}).
 *       The range starts at the codec's reference quality 50 because above it the artifacts on small images are
 *       below what the experiments (and a no-reference estimator) can see.
 *       Any s > 0 re-encodes, so there is a small step between s = 0 and s just above it.</li>
 *   <li>{@link #LOW_CONTRAST}: each channel's deviation from its mean is scaled by
 *       1 - {@value #CONTRAST_MAX_REDUCTION} * s (a quarter of the contrast at s = 1).</li>
 *   <li>{@link #DOWNSCALE}: area-average downscale by the factor 1 + {@value #DOWNSCALE_MAX_EXTRA} * s, then
 *       bilinear upscale back to the original size (28 px become 8 px and back at s = 1). Relative, so it scales
 *       with the image.</li>
 * </ul>
 */
public enum Degradation {
    BLUR {
        @Override byte[] degrade(LabeledImage im, double s, Random rng) {
            double sigma = BLUR_MAX_SIGMA_AT_28 * s * Math.min(im.width(), im.height()) / 28.0;
            return PixelOps.gaussianBlur(im.pixels(), im.width(), im.height(), im.channels(), sigma);
        }
    },
    NOISE {
        @Override byte[] degrade(LabeledImage im, double s, Random rng) {
            return PixelOps.gaussianNoise(im.pixels(), NOISE_MAX_SIGMA * s, rng);
        }
    },
    JPEG {
        @Override byte[] degrade(LabeledImage im, double s, Random rng) {
            double quality = jpegQuality(s);
            return PixelOps.jpegRoundTrip(im.pixels(), im.width(), im.height(), im.channels(),
                    (float) (quality / 100.0));
        }
    },
    LOW_CONTRAST {
        @Override byte[] degrade(LabeledImage im, double s, Random rng) {
            return PixelOps.scaleContrast(im.pixels(), im.channels(), 1.0 - CONTRAST_MAX_REDUCTION * s);
        }
    },
    DOWNSCALE {
        @Override byte[] degrade(LabeledImage im, double s, Random rng) {
            return PixelOps.downUpScale(im.pixels(), im.width(), im.height(), im.channels(),
                    1.0 + DOWNSCALE_MAX_EXTRA * s);
        }
    };

    /** Blur sigma in pixels at severity 1 for a 28-pixel image side. */
    public static final double BLUR_MAX_SIGMA_AT_28 = 1.5;
    /** Noise sigma in grey levels at severity 1. */
    public static final double NOISE_MAX_SIGMA = 40.0;
    /** JPEG quality (percent) as severity approaches 0. */
    public static final double JPEG_BEST_QUALITY = 50.0;
    /** JPEG quality (percent) at severity 1. */
    public static final double JPEG_WORST_QUALITY = 5.0;
    /** Share of the contrast removed at severity 1. */
    public static final double CONTRAST_MAX_REDUCTION = 0.75;
    /** The downscale factor is 1 + this * severity. */
    public static final double DOWNSCALE_MAX_EXTRA = 2.5;

    /**
     * This degradation at {@code severity} in [0, 1]. Severity 0 returns {@code image} itself. The result keeps
     * the id, label and shape of the input. {@code rng} is drawn from only by {@link #NOISE}.
     *
     * @throws IllegalArgumentException if severity is outside [0, 1] or not a number
     */
    public LabeledImage apply(LabeledImage image, double severity, Random rng) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(rng, "rng");
        checkSeverity(severity);
        if (severity == 0.0) {
            return image;
        }
        return image.withPixels(degrade(image, severity, rng));
    }

    abstract byte[] degrade(LabeledImage image, double severity, Random rng);

    /**
     * JPEG quality in percent for severity {@code s}: geometric between the best and worst quality, because the
     * codec's quantiser step grows like 1 / quality below 50, so equal severity steps give comparable increases
     * in artifacts.
     */
    public static double jpegQuality(double s) {
        checkSeverity(s);
        return JPEG_BEST_QUALITY * Math.pow(JPEG_WORST_QUALITY / JPEG_BEST_QUALITY, s);
    }

    static void checkSeverity(double severity) {
        if (!(severity >= 0.0 && severity <= 1.0)) {
            throw new IllegalArgumentException("severity must be in [0, 1], got " + severity);
        }
    }
}
