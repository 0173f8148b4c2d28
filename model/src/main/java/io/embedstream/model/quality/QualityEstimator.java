package io.embedstream.model.quality;

import io.embedstream.types.LabeledImage;
import java.util.Arrays;
import java.util.Objects;

/**
 * No-reference image quality estimator. For one image (grayscale, or RGB converted to BT.601 luminance) it
 * computes the raw measures of {@link QualityReport}, maps each through a {@link ScoreRamp} to a sub-score in
 * [0, 1] and multiplies the seven sub-scores into {@code q} (1 = clean). Each sub-score is monotone in its raw
 * measure, so q is too; the product means any single strong defect lowers q.
 *
 * <p>Design choices, each for a reason (the images of interest are as small as 28x28, where a few edges make up
 * much of the image, so every measure is normalised against content):
 * <ul>
 *   <li><b>Blur</b> is scored on the edge width = tonal range * sum|g| / sum|g|^2 (g the luminance gradient): the
 *       gradient-weighted mean slope across edges, turned into the pixels needed to climb the tonal range. It does
 *       not depend on contrast or on how much edge the image holds, unlike the variance of the Laplacian (also
 *       reported), which scales with contrast squared and with edge length, so a small thin digit would look
 *       blurrier than a big filled square. The ramp is logarithmic (widths grow by factors) and its reference
 *       points hold at {@value #CALIBRATION_SIDE} px; above that they grow as (side / {@value #CALIBRATION_SIDE})
 *       to the powers {@value Builder#EDGE_WIDTH_GOOD_SIZE_EXPONENT} (good) and
 *       {@value Builder#EDGE_WIDTH_BAD_SIZE_EXPONENT} (bad): in a larger photo of the same scene soft edges
 *       (lighting, textures, focus) are more pixels wide, while anti-aliased outlines are not.</li>
 *   <li><b>Noise</b> uses Immerkaer's operator (the difference of two Laplacians, blind to linear gradients). Its
 *       classic mean-based estimate (reported) also responds to every edge; the score uses the median absolute
 *       response instead, which ignores edges as long as fewer than half the pixels lie on one.</li>
 *   <li><b>Contrast</b> is scored on the 1st-99th percentile range rather than on the RMS contrast (also
 *       reported): RMS contrast depends on how much of the image the object covers, the range does not. For RGB
 *       it is the largest of the three channels' ranges: scenes with colour contrast but little luminance
 *       contrast (a red object on a green ground) are common in photos, and a contrast loss shrinks every
 *       channel alike (on the photo-like set this lifts the raw measure's rank correlation with low-contrast
 *       severity from about -0.80 to -0.89). Above {@value #CALIBRATION_SIDE} px the range is normalised for
 *       exposure ({@link #exposureNormaliser}): -0.90 to -0.93.</li>
 *   <li><b>Exposure</b>: dark-background content such as MNIST has most pixels clipped at black by nature. Clipping
 *       only indicates bad exposure when the rest of the image does not reach the other end of the range, so
 *       exposureError = max(lowClip * (1 - p99 / 255), highClip * p1 / 255): a black image with white strokes
 *       scores about 0, an all-black image 1.</li>
 *   <li><b>Blockiness</b>: for each step between horizontally or vertically adjacent pixels, the excess of that
 *       step over the mean of the two steps beside it, relative to the local activity, in (-1, 1). Content puts
 *       the same excess on every phase of the position modulo 8; JPEG puts extra excess on the 8x8 block grid
 *       lines. The measure is the mean excess on the grid lines minus that off them (0 = no grid structure).
 *       Near-flat positions (the three steps summing to at most a few grey levels) are skipped. The grid is
 *       assumed anchored at (0, 0); images cropped after compression are not searched for a shifted grid.</li>
 *   <li><b>JPEG quality</b>: the quality factor of an earlier JPEG compression, read off the DCT coefficients of
 *       the 8x8 blocks ({@link JpegQuantization}): they are multiples of the quantisation table's steps. It is
 *       exact where it fires, unlike the block-boundary steps, which on a 28x28 image rest on three grid lines per
 *       axis and vary with content. It recognises the standard (IJG) tables that nearly every encoder scales;
 *       the blockiness measure stays for the others.</li>
 *   <li><b>Downscale</b> (shrunk, then enlarged back): the factor read off the periodic trace that bilinear
 *       enlargement leaves in the second differences ({@link ResamplingDetector}). Measures of fine detail (the
 *       edge width, Laplacian over gradient energy) also fall with it, but they vary as much between clean scenes
 *       (a smooth backdrop against gravel) as across the whole severity range on photos at 128 px and above; the
 *       trace is absent from any image that was never resampled, so clean photos score 1 whatever their content.
 *       From {@value ResamplingDetector#MIN_SIDE} px.</li>
 * </ul>
 *
 * <p>Defaults (see {@link Builder}) were chosen so that clean synthetic shapes and clean MNIST digits score about
 * 1 and each {@link io.embedstream.model.data.Degradation} lowers q monotonically with its severity, on 28x28
 * shapes and on the photo-like RGB set at 64 to 224 px ({@code QualityAtPhotoSizesTest}); they were searched on
 * photos of seed 7 and checked on seed 11 (both asserted: every degradation at -0.85 or below at 64, 128 and
 * 224 px). Noise and JPEG are scored per pixel at the native resolution (sensor noise and 8x8 blocks are per
 * pixel); the blur measure and ramp depend on the size, and above {@value #CALIBRATION_SIDE} px the blur measure
 * adds the fine-detail ratio and the contrast measure is normalised for exposure, so 28x28 images score as they
 * did before photo sizes were supported (but for the noise ramp, now 6 to 40 grey levels).
 *
 * <p>Cost: one pass over the pixels for the luminance; the rest samples a regular grid of rows and columns
 * that thins with the size (see {@link #ROW_SAMPLING_SIDE}, {@link #SPARSE_SAMPLING_SIDE}): the histograms and
 * the 3x3 operators with the block-grid steps on every row up to 127 px, every other row from 128 px, every fourth
 * row and column from 192 px; from {@value ResamplingDetector#MIN_SIDE} px the column profile (on the 3x3 pass's
 * rows), the row profile (every row and column: the detector needs the rows' period, and sparser rows or columns
 * cost it shrunk photos at 224 px), the fine-detail ratio (every other sampled row from 192 px) and a DFT of the
 * profiles; then passes over the 256-bin and 512-bin histograms. The robust noise sigma saturates at about 126 grey
 * levels (responses are binned up to 511), far beyond the default bad reference point.
 * Thread-safe: configuration is immutable and the scratch buffers are per thread, reused across calls, so the
 * pixel loops allocate nothing once a thread has seen its largest image; only the report is allocated.
 */
public final class QualityEstimator {
    /** Luminance at or below which a pixel counts as clipped to black. */
    public static final int LOW_CLIP = 5;
    /** Luminance at or above which a pixel counts as clipped to white. */
    public static final int HIGH_CLIP = 250;
    private static final int NOISE_BINS = 512;
    /** Sum of three neighbouring steps (grey levels) below which a grid-line position counts as flat. */
    private static final int GRID_ACTIVITY = 4;
    /** 1 / (activity + 1) for every possible activity (three steps of at most 255): a multiply beats a divide. */
    private static final double[] INVERSE_ACTIVITY = new double[3 * 255 + 1];

    static {
        for (int a = 0; a < INVERSE_ACTIVITY.length; a++) {
            INVERSE_ACTIVITY[a] = 1.0 / (a + 1);
        }
    }
    /** Median of |N(0,1)|: converts a median absolute deviation to a Gaussian sigma. */
    private static final double MEDIAN_ABS_NORMAL = 0.6744897501960817;
    /** Norm of Immerkaer's mask (sqrt of the sum of its squared weights). */
    private static final double IMMERKAER_NORM = 6.0;
    /** From this shorter side on, the 3x3 pass visits every other row. */
    static final int ROW_SAMPLING_SIDE = 128;
    /**
     * From this shorter side on, the histograms and the 3x3 pass take every fourth row and every fourth column, and
     * the fine-detail ratio every eighth row: with every other row the 224 px estimate stayed below 2,000 images
     * per CPU-second; so sampled, the photo-size figures stay at the goal ({@code QualityAtPhotoSizesTest}) and the
     * speed reaches it (docs/results.md, "Speed at 224x224").
     */
    static final int SPARSE_SAMPLING_SIDE = 192;
    /** Image side (the shorter one, pixels) at which the edge-width reference points hold as given. */
    public static final int CALIBRATION_SIDE = 28;
    /** Mean grey level at which the exposure-normalised range equals the plain range. */
    static final double CONTRAST_REFERENCE_LEVEL = 76.8;
    /** The fine-detail scale is the shorter side over this (at least one pixel). */
    static final int FINE_DETAIL_SIDE = 64;
    /** Floor of fineDetail - 1 in the blur measure, so an image smooth at every scale does not divide by 0. */
    private static final double MIN_FINE_DETAIL_EXCESS = 1e-3;

    private final ScoreRamp blur;
    private final ScoreRamp noise;
    private final ScoreRamp contrast;
    private final ScoreRamp exposure;
    private final ScoreRamp blockiness;
    private final ScoreRamp jpegQuality;
    private final ScoreRamp downscale;
    private final double edgeWidthGoodSizeExponent;
    private final double edgeWidthBadSizeExponent;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private QualityEstimator(Builder b) {
        this.blur = b.blur;
        this.noise = b.noise;
        this.contrast = b.contrast;
        this.exposure = b.exposure;
        this.blockiness = b.blockiness;
        this.jpegQuality = b.jpegQuality;
        this.downscale = b.downscale;
        this.edgeWidthGoodSizeExponent = b.edgeWidthGoodSizeExponent;
        this.edgeWidthBadSizeExponent = b.edgeWidthBadSizeExponent;
    }

    /** An estimator with the default reference points. */
    public static QualityEstimator defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public QualityReport estimate(LabeledImage image) {
        Objects.requireNonNull(image, "image");
        return estimate(image.pixels(), image.width(), image.height(), image.channels());
    }

    /**
     * Estimates the quality of interleaved row-major HWC u8 pixels.
     *
     * @throws IllegalArgumentException if the size is not positive, channels is not 1 or 3, or the array length
     *                                  does not match
     */
    public QualityReport estimate(byte[] pixels, int width, int height, int channels) {
        Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if ((long) width * height * channels != pixels.length) {
            throw new IllegalArgumentException("pixel array has " + pixels.length + " bytes, expected "
                    + width + "x" + height + "x" + channels);
        }
        Scratch s = scratch.get();
        int n = width * height;
        int[] lum = s.luminance(n);
        int[] hist = s.histogram;
        java.util.Arrays.fill(hist, 0);
        // Large images are sampled on every rowStep-th row and columnStep-th column (the histograms, the 3x3 pass):
        // the measures are means, ratios, percentiles and a median over the pixels, which a regular subset
        // estimates as well. Rows and columns 0, step, 2 step ... keep the block grid lines 8k in, as the steps
        // divide 8.
        int side = Math.min(width, height);
        int rowStep = side >= SPARSE_SAMPLING_SIDE ? 4 : side >= ROW_SAMPLING_SIDE ? 2 : 1;
        int columnStep = side >= SPARSE_SAMPLING_SIDE ? 4 : 1;
        int firstColumn = columnStep; // 1, or 4 (x >= 2 for the step before, x = 8k on the grid)

        // Pass 1: luminance and its histogram (the moments follow from the histogram). Runs of equal values,
        // typical of backgrounds, are counted in registers rather than through the histogram in memory.
        int counted = n;
        if (channels == 1) {
            int runValue = 0;
            int runLength = 0;
            for (int i = 0; i < n; i++) {
                int v = pixels[i] & 0xFF;
                lum[i] = v;
                if (v == runValue) {
                    runLength++;
                } else {
                    hist[runValue] += runLength;
                    runValue = v;
                    runLength = 1;
                }
            }
            hist[runValue] += runLength;
        } else {
            int[] red = s.red;
            int[] green = s.green;
            int[] blue = s.blue;
            java.util.Arrays.fill(red, 0);
            java.util.Arrays.fill(green, 0);
            java.util.Arrays.fill(blue, 0);
            // BT.601 luma in fixed point (weights sum to 256, so 255 stays 255), then the histograms on the sampled
            // rows and columns. No run counting here: photos rarely repeat a value, and the unpredictable branch cost
            // more than the histogram.
            for (int i = 0, p = 0; i < n; i++, p += 3) {
                lum[i] = (77 * (pixels[p] & 0xFF) + 150 * (pixels[p + 1] & 0xFF) + 29 * (pixels[p + 2] & 0xFF)) >> 8;
            }
            counted = 0;
            for (int y = 0; y < height; y += rowStep) {
                for (int i = y * width, end = i + width; i < end; i += columnStep) {
                    int p = 3 * i;
                    red[pixels[p] & 0xFF]++;
                    green[pixels[p + 1] & 0xFF]++;
                    blue[pixels[p + 2] & 0xFF]++;
                    hist[lum[i]]++;
                    counted++;
                }
            }
        }
        long sum = 0;
        long sumSq = 0;
        for (int v = 0; v < hist.length; v++) {
            sum += (long) v * hist[v];
            sumSq += (long) v * v * hist[v];
        }

        // Pass 2: 3x3 operators on the interior: Laplacian, central gradient, Immerkaer's noise mask, and the steps
        // around the JPEG block grid.
        int[] noiseHist = s.noiseHistogram;
        java.util.Arrays.fill(noiseHist, 0);
        long lapSum = 0;
        long lapSq = 0;
        long gradSq = 0;
        double gradAbs = 0;
        long immerkaerAbs = 0;
        int flatResponses = 0;
        // Horizontal and vertical steps in their own sums: one shared sum made a chain of dependent additions, two per
        // pixel, that bounded the whole pass.
        double gridExcess = 0;
        double gridExcessVertical = 0;
        double offGridExcess = 0;
        double offGridExcessVertical = 0;
        int gridCount = 0;
        int offGridCount = 0;
        boolean resampling = Math.min(width, height) >= ResamplingDetector.MIN_SIDE;
        int rows = 0;
        for (int y = rowStep; y < height - 1; y += rowStep) {
            rows++;
            int row = y * width;
            boolean gridRow = y >= 2 && (y & 7) == 0;
            for (int x = firstColumn; x < width - 1; x += columnStep) {
                int i = row + x;
                int c = lum[i];
                int nn = lum[i - width];
                int ss = lum[i + width];
                int w = lum[i - 1];
                int e = lum[i + 1];
                int cross = nn + ss + w + e;
                int lap = cross - 4 * c;
                int diag = lum[i - width - 1] + lum[i - width + 1] + lum[i + width - 1] + lum[i + width + 1];
                int r = Math.abs(diag - 2 * cross + 4 * c);
                int gx = e - w;
                int gy = ss - nn;
                lapSum += lap;
                lapSq += lap * lap;
                int g2 = gx * gx + gy * gy;
                gradSq += g2;
                gradAbs += Math.sqrt(g2);
                immerkaerAbs += r;
                // Flat regions give long runs of r == 0: count those in a register rather than through memory.
                if (r == 0) {
                    flatResponses++;
                } else {
                    noiseHist[r < NOISE_BINS ? r : NOISE_BINS - 1]++;
                }
                // Blockiness: the excess of a step over the mean of the two steps beside it (same row or column),
                // relative to the local activity, in (-1, 1). Content puts the same excess on every phase of the
                // position mod 8; JPEG adds excess on the block grid lines between pixels 8k-1 and 8k.
                if (x >= 2) {
                    int across = Math.abs(c - w);
                    int before = Math.abs(w - lum[i - 2]);
                    int after = Math.abs(e - c);
                    int activity = across + before + after;
                    if (activity > GRID_ACTIVITY) {
                        double excess = (across - 0.5 * (before + after)) * INVERSE_ACTIVITY[activity];
                        if ((x & 7) == 0) {
                            gridExcess += excess;
                            gridCount++;
                        } else {
                            offGridExcess += excess;
                            offGridCount++;
                        }
                    }
                }
                if (y >= 2) {
                    int across = Math.abs(c - nn);
                    int before = Math.abs(nn - lum[i - 2 * width]);
                    int after = Math.abs(ss - c);
                    int activity = across + before + after;
                    if (activity > GRID_ACTIVITY) {
                        double excess = (across - 0.5 * (before + after)) * INVERSE_ACTIVITY[activity];
                        if (gridRow) {
                            gridExcessVertical += excess;
                            gridCount++;
                        } else {
                            offGridExcessVertical += excess;
                            offGridCount++;
                        }
                    }
                }
            }
        }

        noiseHist[0] += flatResponses;
        double downscaleFactor = ResamplingDetector.NONE;
        if (resampling) {
            // The column profile on the 3x3 pass's rows, the row profile on every row and column: with the row
            // profile on every fourth column too, the detector missed a few shrunk photos at 224 px (downscale
            // -0.843 and -0.840 on seeds 7 and 11). Both loops vectorise.
            int[] columnD2 = s.columnD2(width);
            int[] columnExcess = s.columnExcess(width);
            int[] rowD2 = s.rowD2(height);
            int[] rowExcess = s.rowExcess(height);
            columnProfile(lum, width, height, rowStep, columnD2, columnExcess);
            rowProfile(lum, width, height, rowD2, rowExcess);
            downscaleFactor = ResamplingDetector.factor(columnD2, columnExcess, rowD2, rowExcess, width, height,
                    s.resampling);
        }
        double blockinessExcess = (gridCount == 0 || offGridCount == 0) ? 0.0
                : (gridExcess + gridExcessVertical) / gridCount
                - (offGridExcess + offGridExcessVertical) / offGridCount;

        double mean = (double) sum / counted;
        double variance = Math.max(0.0, (double) sumSq / counted - mean * mean);
        double rmsContrast = Math.sqrt(variance) / 255.0;
        int p1 = percentile(hist, counted, 0.01);
        int p99 = percentile(hist, counted, 0.99);
        double tonalRange = (p99 - p1) / 255.0;
        double channelRange = channels == 1 ? tonalRange
                : Math.max(range(s.red, counted), Math.max(range(s.green, counted), range(s.blue, counted)));
        // Up to the calibration side the plain range: the small sets there (digits, shapes) are objects on black,
        // whose mean says how much of the frame the object covers, not how the scene was exposed (on the 28x28
        // shapes the normalised range would fall from -0.92 to -0.84 against low-contrast severity).
        double normalisedRange;
        if (Math.min(width, height) <= CALIBRATION_SIDE) {
            normalisedRange = channelRange;
        } else if (channels == 1) {
            normalisedRange = tonalRange * exposureNormaliser(mean);
        } else {
            normalisedRange = Math.max(normalisedRange(s.red, counted),
                    Math.max(normalisedRange(s.green, counted), normalisedRange(s.blue, counted)));
        }
        double lowClip = (double) countAtMost(hist, LOW_CLIP) / counted;
        double highClip = (double) (counted - countAtMost(hist, HIGH_CLIP - 1)) / counted;
        double exposureError = Math.max(lowClip * (1.0 - p99 / 255.0), highClip * (p1 / 255.0));

        int interior = (width - 1 > firstColumn ? (width - 2 - firstColumn) / columnStep + 1 : 0) * rows;
        double laplacianVariance = 0;
        double edgeWidth = 0;
        double noiseSigma = 0;
        double noiseSigmaRobust = 0;
        if (interior > 0) {
            double lapMean = (double) lapSum / interior;
            laplacianVariance = Math.max(0.0, (double) lapSq / interior - lapMean * lapMean);
            // Gradient-weighted mean gradient magnitude, sum |g|^2 / sum |g|, is the typical slope across edges;
            // the tonal range over that slope is the typical edge width in pixels. Central differences span two
            // pixels, hence the factors 1/2 (magnitudes) and 1/4 (squares).
            if (gradSq > 0) {
                double range = Math.max(1, p99 - p1);
                edgeWidth = range * (gradAbs / 2) / (gradSq / 4.0);
            }
            noiseSigma = Math.sqrt(Math.PI / 2) * immerkaerAbs / (IMMERKAER_NORM * interior);
            noiseSigmaRobust = groupedMedian(noiseHist, interior) / (IMMERKAER_NORM * MEDIAN_ABS_NORMAL);
        }

        // A pass over the pixels that only the blur score of larger images uses: not paid at 28 px and below,
        // the default stream's size, where every image passes here.
        // From SPARSE_SAMPLING_SIDE on every other sampled row (every fourth column took the blur figure at 224 px
        // from -0.93 to -0.91 when this ratio followed it).
        int fineDetailStep = side >= SPARSE_SAMPLING_SIDE ? 2 * rowStep : rowStep;
        double fineDetail = side > CALIBRATION_SIDE ? fineDetail(lum, width, height, fineDetailStep) : 0.0;
        double blurScore = blurScore(edgeWidth, fineDetail, width, height);
        double noiseScore = noise.score(noiseSigmaRobust);
        double contrastScore = contrast.score(normalisedRange);
        double exposureScore = exposure.score(exposureError);
        double blockinessScore = blockiness.score(blockinessExcess);
        int jpegQualityFactor = JpegQuantization.estimateQuality(lum, width, height, s.jpeg);
        double jpegScore = jpegQuality.score(jpegQualityFactor);
        double downscaleScore = downscale.score(downscaleFactor);
        double q = blurScore * noiseScore * contrastScore * exposureScore * blockinessScore * jpegScore
                * downscaleScore;
        return new QualityReport(laplacianVariance, edgeWidth, noiseSigma, noiseSigmaRobust, rmsContrast,
                tonalRange, channelRange, normalisedRange, lowClip, highClip, exposureError, blockinessExcess,
                jpegQualityFactor, downscaleFactor, fineDetail, blurScore, noiseScore, contrastScore, exposureScore, blockinessScore, jpegScore,
                downscaleScore, q);
    }

    /** Smallest grey level whose cumulative count reaches fraction {@code f} of {@code n}. */
    private static int percentile(int[] hist, int n, double f) {
        long target = Math.max(1, (long) Math.ceil(f * n));
        long cum = 0;
        for (int v = 0; v < hist.length; v++) {
            cum += hist[v];
            if (cum >= target) {
                return v;
            }
        }
        return hist.length - 1;
    }

    /**
     * The factor (mean level {@value #CONTRAST_REFERENCE_LEVEL} + 128) / (mean + 128) that a range is scaled by:
     * more in dark images, less in bright ones. Lighting scales a scene's values (its range with its mean, as
     * Weber contrast has it), a loss of contrast shrinks the range about a fixed mean; on the photo-like set,
     * whose exposure varies 0.65 to 1.25, the normalised channel range's rank correlation with low-contrast
     * severity is -0.90 to -0.93 (64 to 224 px, seeds 7 and 11) against -0.89 for the plain one. The offset 128
     * keeps near-black images from dividing by almost nothing; the reference level, at which the normalised
     * range equals the plain one, puts clean photos at the contrast ramp calibrated at 28 px (clean photos'
     * normalised ranges at the good point 0.52 or above, the same as a good point of 0.65 at mid-grey).
     */
    static double exposureNormaliser(double mean) {
        return (CONTRAST_REFERENCE_LEVEL + 128.0) / (mean + 128.0);
    }

    /**
     * Per column x (1 .. width - 2), the sums over the rows step, 2 step, ... of |second difference along x| and of
     * max(0, |second difference| - 1): the column profile of {@link ResamplingDetector}.
     */
    static void columnProfile(int[] lum, int width, int height, int step, int[] d2Sums, int[] excessSums) {
        for (int y = step; y < height - 1; y += step) {
            int row = y * width;
            for (int x = 1; x < width - 1; x++) {
                int i = row + x;
                int d2 = Math.abs(lum[i - 1] + lum[i + 1] - 2 * lum[i]);
                d2Sums[x] += d2;
                excessSums[x] += d2 - ((-d2) >>> 31); // max(d2 - 1, 0) without a branch, as d2 >= 0
            }
        }
    }

    /**
     * Per row y (1 .. height - 2), the sums over all columns of |second difference along y| and of
     * max(0, |second difference| - 1): the row profile of {@link ResamplingDetector}.
     */
    static void rowProfile(int[] lum, int width, int height, int[] d2Sums, int[] excessSums) {
        for (int y = 1; y < height - 1; y++) {
            int row = y * width;
            int d2Sum = 0;
            int nonZero = 0;
            for (int x = 0; x < width; x++) {
                int i = row + x;
                int d2 = Math.abs(lum[i - width] + lum[i + width] - 2 * lum[i]);
                d2Sum += d2;
                nonZero += (-d2) >>> 31;
            }
            d2Sums[y] = d2Sum;
            excessSums[y] = d2Sum - nonZero; // the sum of max(d2 - 1, 0)
        }
    }

    /** {@link #range} of one channel, times {@link #exposureNormaliser} of its mean. */
    private static double normalisedRange(int[] hist, int n) {
        long sum = 0;
        for (int v = 0; v < hist.length; v++) {
            sum += (long) v * hist[v];
        }
        return range(hist, n) * exposureNormaliser((double) sum / n);
    }

    /**
     * Ratio of the luminance step energy at the fine scale {@code d} to that at {@code 2d}, over 4 (steps in x
     * and y, on the sampled rows): Σ(L[x+d] - L[x])² / (Σ(L[x+2d] - L[x])² / 4). About 1 for content that is
     * smooth at that scale, 2 for step edges, 4 for pixel noise; blur lowers it towards 1. The scale d is the
     * side over {@value #FINE_DETAIL_SIDE} (at least 1), so the same scene gives the same ratio at any size, as
     * the blur degradation is itself a share of the side. 0 when the image has no steps at all.
     */
    static double fineDetail(int[] lum, int width, int height, int rowStep) {
        int d = Math.max(1, (int) Math.round(Math.min(width, height) / (double) FINE_DETAIL_SIDE));
        long fine = 0;
        long coarse = 0;
        // Per-row sums in int (a row of squared steps stays below 2^31 up to 33,000 px wide), so the loops vectorise.
        for (int y = 0; y < height; y += rowStep) {
            int row = y * width;
            int rowFine = 0;
            int rowCoarse = 0;
            for (int x = 0; x + 2 * d < width; x++) {
                int v = lum[row + x];
                int a = lum[row + x + d] - v;
                int b = lum[row + x + 2 * d] - v;
                rowFine += a * a;
                rowCoarse += b * b;
            }
            if (y + 2 * d < height) {
                int below = row + d * width;
                int below2 = row + 2 * d * width;
                for (int x = 0; x < width; x++) {
                    int v = lum[row + x];
                    int a = lum[below + x] - v;
                    int b = lum[below2 + x] - v;
                    rowFine += a * a;
                    rowCoarse += b * b;
                }
            }
            fine += rowFine;
            coarse += rowCoarse;
        }
        return coarse == 0 ? 0.0 : 4.0 * fine / coarse;
    }

    /** (99th - 1st percentile) / 255 of one channel's histogram. */
    private static double range(int[] hist, int n) {
        return (percentile(hist, n, 0.99) - percentile(hist, n, 0.01)) / 255.0;
    }

    /**
     * The blur sub-score of {@code edgeWidth} at this image size: the ramp's reference points hold at the
     * calibration side and grow above it as (side / {@value #CALIBRATION_SIDE}) to a power below 1, each point
     * with its own ({@link Builder#edgeWidthSizeExponents(double, double)}). Edges in a photo are a share of the
     * frame wide (focus, lighting, object scale), so they grow with the side, while anti-aliased outlines stay a
     * pixel or two. The good point grows faster than the bad one: a clean photo's widest soft edges grow nearly
     * in proportion to the frame, and a clean scene must sit at sub-score 1, or its sharpness is carried into
     * every other degradation's score through the product. Unchanged up to the calibration side, so 28x28
     * images score as they always did; monotone (non-increasing) in the edge width at any size.
     */
    double blurScore(double edgeWidth, double fineDetail, int width, int height) {
        int side = Math.min(width, height);
        if (side <= CALIBRATION_SIDE) {
            return blur.score(edgeWidth);
        }
        // The edge width comes from the strongest edges of the scene and the fine-detail ratio from all of it,
        // so their scene variations are partly independent; blur moves both. Their combination in the log domain,
        // width / sqrt(ratio - 1), tracks blur better than either on the photo-like set (e.g. at 64 px -0.84 for
        // the width alone, -0.77 for the ratio, -0.88 to -0.90 combined, seeds 7 and 11).
        double blurMeasure = fineDetail > 0
                ? edgeWidth / Math.sqrt(Math.max(fineDetail - 1.0, MIN_FINE_DETAIL_EXCESS)) : edgeWidth;
        double ratio = (double) side / CALIBRATION_SIDE;
        double bad = blur.bad() * Math.pow(ratio, edgeWidthBadSizeExponent);
        double good = Math.min(blur.good() * Math.pow(ratio, edgeWidthGoodSizeExponent), bad * 0.999);
        return new ScoreRamp(good, bad, true).score(blurMeasure);
    }

    private static int countAtMost(int[] hist, int level) {
        int c = 0;
        for (int v = 0; v <= level; v++) {
            c += hist[v];
        }
        return c;
    }

    /**
     * Median of integer-valued data from its histogram, interpolated within the median's bin as for grouped
     * data (bin v covering [v - 0.5, v + 0.5], bin 0 covering [0, 0.5]), so it moves smoothly with the data.
     */
    private static double groupedMedian(int[] hist, int n) {
        double half = n / 2.0;
        long cum = 0;
        for (int v = 0; v < hist.length; v++) {
            if (cum + hist[v] >= half) {
                double lower = v == 0 ? 0.0 : v - 0.5;
                double widthOfBin = v == 0 ? 0.5 : 1.0;
                return lower + widthOfBin * (half - cum) / hist[v];
            }
            cum += hist[v];
        }
        return hist.length - 1;
    }

    /** Per-thread buffers, grown to the largest image seen. */
    private static final class Scratch {
        final int[] histogram = new int[256];
        final int[] noiseHistogram = new int[NOISE_BINS];
        final int[] red = new int[256];
        final int[] green = new int[256];
        final int[] blue = new int[256];
        final JpegQuantization.Workspace jpeg = new JpegQuantization.Workspace();
        final ResamplingDetector.Workspace resampling = new ResamplingDetector.Workspace();
        int[] lum = new int[0];
        private int[] columnD2 = new int[0];
        private int[] columnExcess = new int[0];
        private int[] rowD2 = new int[0];
        private int[] rowExcess = new int[0];

        int[] columnD2(int width) {
            if (columnD2.length < width) {
                columnD2 = new int[width];
            }
            Arrays.fill(columnD2, 0, width, 0);
            return columnD2;
        }

        int[] columnExcess(int width) {
            if (columnExcess.length < width) {
                columnExcess = new int[width];
            }
            Arrays.fill(columnExcess, 0, width, 0);
            return columnExcess;
        }

        int[] rowD2(int height) {
            if (rowD2.length < height) {
                rowD2 = new int[height];
            }
            return rowD2;
        }

        int[] rowExcess(int height) {
            if (rowExcess.length < height) {
                rowExcess = new int[height];
            }
            return rowExcess;
        }

        int[] luminance(int n) {
            if (lum.length < n) {
                lum = new int[n];
            }
            return lum;
        }
    }

    public ScoreRamp blurRamp() { return blur; }
    public ScoreRamp noiseRamp() { return noise; }
    public ScoreRamp contrastRamp() { return contrast; }
    public ScoreRamp exposureRamp() { return exposure; }
    public ScoreRamp blockinessRamp() { return blockiness; }
    public ScoreRamp jpegQualityRamp() { return jpegQuality; }
    public ScoreRamp downscaleRamp() { return downscale; }

    /**
     * Reference points of the sub-score ramps. Defaults (chosen so that clean synthetic shapes and clean MNIST
     * digits sit at sub-score 1, and that clean photos, whose textures, lighting and colours vary far more, stay
     * mostly near 1 while each degradation's own sub-score still falls across its whole severity range: a
     * sub-score that clean content already pulls down adds that content's variation to q):
     * <ul>
     *   <li>blur on the edge width (pixels at {@value QualityEstimator#CALIBRATION_SIDE} px, logarithmic): good
     *       {@value #EDGE_WIDTH_GOOD} times (side / 28)^{@value #EDGE_WIDTH_GOOD_SIZE_EXPONENT}, bad
     *       {@value #EDGE_WIDTH_BAD} times (side / 28)^{@value #EDGE_WIDTH_BAD_SIZE_EXPONENT} above 28 px;</li>
     *   <li>noise on the robust sigma (grey levels): good {@value #NOISE_GOOD}, bad {@value #NOISE_BAD};</li>
     *   <li>contrast on the channel range (the tonal range for grey), above 28 px normalised for exposure: good
     *       {@value #CONTRAST_GOOD}, bad {@value #CONTRAST_BAD};</li>
     *   <li>exposure on the exposure error: good {@value #EXPOSURE_GOOD}, bad {@value #EXPOSURE_BAD};</li>
     *   <li>blockiness on the grid step excess: good {@value #BLOCKINESS_GOOD}, bad {@value #BLOCKINESS_BAD};</li>
     *   <li>JPEG on the estimated quality factor: good {@value #JPEG_QUALITY_GOOD} (the IJG reference table, where
     *       the artifacts on small images become hard to see), bad {@value #JPEG_QUALITY_BAD}; an image in which no
     *       standard table is found scores 1;</li>
     *   <li>downscale on the estimated shrink-and-enlarge factor: good {@value #DOWNSCALE_GOOD} (none found),
     *       bad {@value #DOWNSCALE_BAD}.</li>
     * </ul>
     */
    public static final class Builder {
        public static final double EDGE_WIDTH_GOOD = 2.5;
        public static final double EDGE_WIDTH_BAD = 60.0;
        public static final double EDGE_WIDTH_GOOD_SIZE_EXPONENT = 1.0;
        public static final double EDGE_WIDTH_BAD_SIZE_EXPONENT = 0.85;
        public static final double NOISE_GOOD = 6.0;
        public static final double NOISE_BAD = 40.0;
        public static final double CONTRAST_GOOD = 0.52;
        public static final double CONTRAST_BAD = 0.0;
        public static final double EXPOSURE_GOOD = 0.3;
        public static final double EXPOSURE_BAD = 1.0;
        public static final double BLOCKINESS_GOOD = 0.28;
        public static final double BLOCKINESS_BAD = 0.6;
        public static final double JPEG_QUALITY_GOOD = 50.0;
        public static final double JPEG_QUALITY_BAD = 0.0;
        public static final double DOWNSCALE_GOOD = 1.0;
        public static final double DOWNSCALE_BAD = 4.0;

        private ScoreRamp blur = ScoreRamp.logarithmic(EDGE_WIDTH_GOOD, EDGE_WIDTH_BAD);
        private double edgeWidthGoodSizeExponent = EDGE_WIDTH_GOOD_SIZE_EXPONENT;
        private double edgeWidthBadSizeExponent = EDGE_WIDTH_BAD_SIZE_EXPONENT;
        private ScoreRamp noise = ScoreRamp.linear(NOISE_GOOD, NOISE_BAD);
        private ScoreRamp contrast = ScoreRamp.linear(CONTRAST_GOOD, CONTRAST_BAD);
        private ScoreRamp exposure = ScoreRamp.linear(EXPOSURE_GOOD, EXPOSURE_BAD);
        private ScoreRamp blockiness = ScoreRamp.linear(BLOCKINESS_GOOD, BLOCKINESS_BAD);
        private ScoreRamp jpegQuality = ScoreRamp.linear(JPEG_QUALITY_GOOD, JPEG_QUALITY_BAD);
        private ScoreRamp downscale = ScoreRamp.linear(DOWNSCALE_GOOD, DOWNSCALE_BAD);

        private Builder() {}

        /**
         * Edge width in pixels at the {@link #CALIBRATION_SIDE calibration side}: lower is better, so
         * {@code good < bad}; both positive (the ramp is logarithmic: edge widths grow by factors).
         */
        public Builder edgeWidth(double good, double bad) {
            if (!(good > 0)) {
                throw new IllegalArgumentException("edge width: the good reference point must be positive, got " + good);
            }
            this.blur = ordered("edge width", good, bad, false, true);
            return this;
        }

        /** Both edge-width reference points grow with the same exponent; see {@link #edgeWidthSizeExponents}. */
        public Builder edgeWidthSizeExponent(double exponent) {
            return edgeWidthSizeExponents(exponent, exponent);
        }

        /**
         * How the edge-width reference points grow with the image: above the calibration side (side = the shorter
         * one) the good point is multiplied by (side / {@value #CALIBRATION_SIDE})^good, the bad one by that to
         * the power bad; 0 keeps a point fixed in pixels, 1 makes it a fixed share of the frame. Each in [0, 1].
         * Where a faster-growing good point would reach the bad one (with the defaults, far beyond any image
         * size), it is held just below it, so the sub-score stays monotone in the edge width.
         */
        public Builder edgeWidthSizeExponents(double good, double bad) {
            if (!(good >= 0 && good <= 1) || !(bad >= 0 && bad <= 1)) {
                throw new IllegalArgumentException("edge width size exponents must be in [0, 1], got good=" + good
                        + ", bad=" + bad);
            }
            this.edgeWidthGoodSizeExponent = good;
            this.edgeWidthBadSizeExponent = bad;
            return this;
        }

        /** Robust noise sigma in grey levels: lower is better, so {@code good < bad}. */
        public Builder noise(double good, double bad) {
            this.noise = ordered("noise", good, bad, false, false);
            return this;
        }

        /** Tonal range in [0, 1]: higher is better, so {@code good > bad}. */
        public Builder contrast(double good, double bad) {
            this.contrast = ordered("contrast", good, bad, true, false);
            return this;
        }

        /** Exposure error in [0, 1]: lower is better, so {@code good < bad}. */
        public Builder exposure(double good, double bad) {
            this.exposure = ordered("exposure", good, bad, false, false);
            return this;
        }

        /** Grid step excess (0 = no block structure): lower is better, so {@code good < bad}. */
        public Builder blockiness(double good, double bad) {
            this.blockiness = ordered("blockiness", good, bad, false, false);
            return this;
        }

        /** Estimated JPEG quality factor in [1, 100]: higher is better, so {@code good > bad}. */
        public Builder jpegQuality(double good, double bad) {
            this.jpegQuality = ordered("JPEG quality", good, bad, true, false);
            return this;
        }

        /** Estimated shrink-and-enlarge factor (1 = none found): lower is better, so {@code good < bad}. */
        public Builder downscale(double good, double bad) {
            this.downscale = ordered("downscale", good, bad, false, false);
            return this;
        }

        public QualityEstimator build() {
            return new QualityEstimator(this);
        }

        private static ScoreRamp ordered(String what, double good, double bad, boolean higherIsBetter, boolean log) {
            if (higherIsBetter ? !(good > bad) : !(good < bad)) {
                throw new IllegalArgumentException(what + ": " + (higherIsBetter ? "higher" : "lower")
                        + " is better, so good must be " + (higherIsBetter ? "above" : "below") + " bad, got good="
                        + good + ", bad=" + bad);
            }
            return new ScoreRamp(good, bad, log);
        }
    }
}
