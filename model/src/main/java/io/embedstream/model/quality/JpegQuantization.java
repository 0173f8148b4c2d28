package io.embedstream.model.quality;

/**
 * Estimates the quality factor of an earlier JPEG compression from the decoded luminance alone, by finding the
 * quantisation table that the image's DCT coefficients are multiples of.
 *
 * <p>A JPEG decoder outputs the inverse DCT of quantised coefficients, so the 8x8 DCT of a decoded block gives
 * back multiples of the table's steps, up to the decoder's rounding and clipping. Nearly every encoder (libjpeg,
 * the JDK's ImageIO, Pillow, browsers) scales the same reference table (IJG, Annex K of the standard) by a quality
 * factor Q, so the search is one-dimensional: from the coarsest table (Q = 1) to {@value #MAX_QUALITY}, the first
 * table under which the non-zero quantised coefficients sit near a multiple is the one used. A finer table can
 * also fit (half a step is a step too), hence coarse first.
 *
 * <p>The fit test: with r = c / step and d = r - round(r), an image that was not quantised with this table has d
 * uniform on [-1/2, 1/2), mean d² = 1/12 with standard deviation {@value #NULL_SD_D2}; the table fits when the mean
 * d² over the n non-zero coefficients is below {@value #MAX_MEAN_D2} and at least {@value #Z} null standard errors
 * below 1/12, so a chance fit of a few coefficients in a smooth image is not taken for compression. On the
 * quality tests' 330 synthetic shapes per degradation type this never fires on blur, noise, low contrast,
 * downscale or clean images, and finds the exact Q of most JPEG ones.
 *
 * <p>Only the low frequencies (u + v &lt;= {@value #MAX_FREQUENCY_SUM}) enter: they hold nearly all non-zero
 * coefficients, and the test costs per coefficient and candidate. Blocks are those of the grid anchored at (0, 0),
 * as the encoder's; at most {@value #MAX_BLOCKS} of them, spread evenly over a large image, so the cost is bounded.
 * Encoders with their own tables (some cameras) are not recognised: the estimate is then "none", and the
 * block-boundary measure remains the only JPEG cue.
 */
final class JpegQuantization {
    /** Returned when no table of quality up to {@link #MAX_QUALITY} fits. */
    static final int NONE = 100;
    /** Highest quality factor searched: above it the tables' steps are too small to tell from rounding. */
    static final int MAX_QUALITY = 60;
    static final int MAX_FREQUENCY_SUM = 6;
    static final int MAX_BLOCKS = 64;
    static final double MAX_MEAN_D2 = 0.05;
    static final double Z = 3.5;
    static final double NULL_SD_D2 = 0.0745;
    /** At least this many non-zero coefficients for a fit to count. */
    static final int MIN_COEFFICIENTS = 6;

    /** The IJG reference luminance table (quality 50), row-major (v, u). */
    private static final int[] REFERENCE = {
            16, 11, 10, 16, 24, 40, 51, 61,
            12, 12, 14, 19, 26, 58, 60, 55,
            14, 13, 16, 24, 40, 57, 69, 56,
            14, 17, 22, 29, 51, 87, 80, 62,
            18, 22, 37, 56, 68, 109, 103, 77,
            24, 35, 55, 64, 81, 104, 113, 92,
            49, 64, 78, 87, 103, 121, 120, 101,
            72, 92, 95, 98, 112, 100, 103, 99};
    /** (v, u) of the coefficients used: u + v in [1, MAX_FREQUENCY_SUM]. */
    private static final int[] V;
    private static final int[] U;
    /** INVERSE_STEP[q][j]: 1 / step of coefficient j in the table of quality q. */
    private static final double[][] INVERSE_STEP = new double[MAX_QUALITY + 1][];
    /**
     * Half the smallest step of coefficient j over the searched tables: a coefficient below it rounds to 0 under
     * every table, so it never enters the test and is dropped before the search.
     */
    private static final double[] NEVER_NON_ZERO;
    /** COS[u][x]: the orthonormal 8-point DCT-II basis, the transform JPEG uses. */
    private static final double[][] COS = new double[8][8];

    static {
        int count = 0;
        for (int v = 0; v < 8; v++) {
            for (int u = 0; u < 8; u++) {
                if (u + v >= 1 && u + v <= MAX_FREQUENCY_SUM) {
                    count++;
                }
            }
        }
        V = new int[count];
        U = new int[count];
        int j = 0;
        for (int v = 0; v < 8; v++) {
            for (int u = 0; u < 8; u++) {
                if (u + v >= 1 && u + v <= MAX_FREQUENCY_SUM) {
                    V[j] = v;
                    U[j] = u;
                    j++;
                }
            }
        }
        NEVER_NON_ZERO = new double[count];
        java.util.Arrays.fill(NEVER_NON_ZERO, Double.MAX_VALUE);
        for (int q = 1; q <= MAX_QUALITY; q++) {
            // libjpeg's jpeg_quality_scaling and jpeg_add_quant_table (baseline: steps clamped to [1, 255]).
            int scale = q < 50 ? 5000 / q : 200 - 2 * q;
            INVERSE_STEP[q] = new double[count];
            for (int k = 0; k < count; k++) {
                int step = Math.max(1, Math.min(255, (REFERENCE[V[k] * 8 + U[k]] * scale + 50) / 100));
                INVERSE_STEP[q][k] = 1.0 / step;
                NEVER_NON_ZERO[k] = Math.min(NEVER_NON_ZERO[k], 0.5 * step);
            }
        }
        for (int u = 0; u < 8; u++) {
            for (int x = 0; x < 8; x++) {
                COS[u][x] = (u == 0 ? Math.sqrt(0.125) : 0.5) * Math.cos((2 * x + 1) * u * Math.PI / 16);
            }
        }
    }

    private JpegQuantization() {}

    /** Reusable buffers of one thread, so that the estimate allocates nothing. */
    static final class Workspace {
        final double[] coefficients = new double[MAX_BLOCKS * V.length];
        final int[] frequency = new int[MAX_BLOCKS * V.length];
        final double[] rows = new double[8 * 8];
    }

    /**
     * @param lum       row-major luminance, 0..255
     * @param workspace overwritten
     * @return the estimated quality factor in [1, {@value #MAX_QUALITY}], or {@link #NONE}
     */
    static int estimateQuality(int[] lum, int width, int height, Workspace workspace) {
        int bw = width / 8;
        int bh = height / 8;
        int blocks = bw * bh;
        if (blocks == 0) {
            return NONE;
        }
        int used = Math.min(blocks, MAX_BLOCKS);
        int perBlock = V.length;
        double[] coefficients = workspace.coefficients;
        int[] frequency = workspace.frequency;
        double[] rows = workspace.rows;
        int kept = 0;
        for (int b = 0; b < used; b++) {
            // Evenly spread over the image when there are more blocks than used.
            int block = (int) ((long) b * blocks / used);
            int x0 = (block % bw) * 8;
            int y0 = (block / bw) * 8;
            // Row pass: tmp[y][u] = sum_x COS[u][x] * (lum - 128), for the u that occur (u <= MAX_FREQUENCY_SUM).
            for (int y = 0; y < 8; y++) {
                int row = (y0 + y) * width + x0;
                for (int u = 0; u <= Math.min(7, MAX_FREQUENCY_SUM); u++) {
                    double[] basis = COS[u];
                    double s = 0;
                    for (int x = 0; x < 8; x++) {
                        s += basis[x] * (lum[row + x] - 128);
                    }
                    rows[y * 8 + u] = s;
                }
            }
            for (int k = 0; k < perBlock; k++) {
                double[] basis = COS[V[k]];
                int u = U[k];
                double s = 0;
                for (int y = 0; y < 8; y++) {
                    s += basis[y] * rows[y * 8 + u];
                }
                if (Math.abs(s) >= NEVER_NON_ZERO[k]) {
                    coefficients[kept] = s;
                    frequency[kept] = k;
                    kept++;
                }
            }
        }
        if (kept < MIN_COEFFICIENTS) {
            return NONE;
        }
        for (int q = 1; q <= MAX_QUALITY; q++) {
            double[] inverse = INVERSE_STEP[q];
            double sumD2 = 0;
            int n = 0;
            for (int i = 0; i < kept; i++) {
                double r = coefficients[i] * inverse[frequency[i]];
                double nearest = Math.rint(r);
                if (nearest != 0) {
                    double d = r - nearest;
                    sumD2 += d * d;
                    n++;
                }
            }
            if (n >= MIN_COEFFICIENTS) {
                double meanD2 = sumD2 / n;
                if (meanD2 < MAX_MEAN_D2 && meanD2 < 1.0 / 12 - Z * NULL_SD_D2 / Math.sqrt(n)) {
                    return q;
                }
            }
        }
        return NONE;
    }
}
