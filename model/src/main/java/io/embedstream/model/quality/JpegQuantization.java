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
 * below 1/12, so a chance fit of a few coefficients in a smooth image is not taken for compression. Each candidate
 * is first screened on its {@value #SCREEN} most clearly non-zero coefficients. On the validation test's 330
 * synthetic 28x28 shapes it lifts JPEG's rank correlation with severity to about -0.96
 * ({@code QualityValidationTest}); {@code JpegQuantizationTest} checks that it fires on at most 2 of 400
 * uncompressed images and finds the JDK encoder's quality, to within that encoder's rounding (it scales the table
 * by a continuous factor), on at least 16 of 20 images per level.
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
    /**
     * Highest quality factor searched: the reference table itself. Lighter compression leaves artifacts too small
     * to matter (the score is 1 from there), and each extra candidate costs a pass over the coefficients.
     */
    static final int MAX_QUALITY = 50;
    static final int MAX_FREQUENCY_SUM = 5;
    static final int MAX_BLOCKS = 64;
    static final double MAX_MEAN_D2 = 0.05;
    static final double Z = 3.5;
    static final double NULL_SD_D2 = 0.0745;
    /** Coefficients of the quick screen of each candidate table, and the mean d² above which it is dropped. */
    static final int SCREEN = 6; // at most MIN_COEFFICIENTS, so every candidate has that many
    static final double SCREEN_MEAN_D2 = 0.12;
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
    /** INDEX[v * 8 + u]: the position of (v, u) in V and U. */
    private static final int[] INDEX = new int[64];
    /** INVERSE_STEP[q][j]: 1 / step of coefficient j in the table of quality q. */
    private static final double[][] INVERSE_STEP = new double[MAX_QUALITY + 1][];
    /**
     * FIRST_QUALITY_WITH_STEP_AT_MOST[k][t]: the lowest quality whose step for coefficient k is at most t, or
     * MAX_QUALITY + 1. Steps do not grow with the quality, so from there on every step is at most t.
     */
    private static final int[][] FIRST_QUALITY_WITH_STEP_AT_MOST;
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
                    INDEX[v * 8 + u] = j;
                    j++;
                }
            }
        }
        int[][] steps = new int[MAX_QUALITY + 1][count];
        for (int q = 1; q <= MAX_QUALITY; q++) {
            // libjpeg's jpeg_quality_scaling and jpeg_add_quant_table (baseline: steps clamped to [1, 255]).
            int scale = q < 50 ? 5000 / q : 200 - 2 * q;
            INVERSE_STEP[q] = new double[count];
            for (int k = 0; k < count; k++) {
                int step = Math.max(1, Math.min(255, (REFERENCE[V[k] * 8 + U[k]] * scale + 50) / 100));
                INVERSE_STEP[q][k] = 1.0 / step;
                if (q > 1 && INVERSE_STEP[q][k] < INVERSE_STEP[q - 1][k]) {
                    throw new AssertionError("quantisation steps must not grow with the quality"); // firstNonZero's premise
                }
                steps[q][k] = step;
            }
        }
        FIRST_QUALITY_WITH_STEP_AT_MOST = new int[count][256];
        for (int k = 0; k < count; k++) {
            for (int t = 0; t < 256; t++) {
                int q = 1;
                while (q <= MAX_QUALITY && steps[q][k] > t) {
                    q++;
                }
                FIRST_QUALITY_WITH_STEP_AT_MOST[k][t] = q;
            }
        }
        for (int u = 0; u < 8; u++) {
            for (int x = 0; x < 8; x++) {
                COS[u][x] = (u == 0 ? Math.sqrt(0.125) : 0.5) * Math.cos((2 * x + 1) * u * Math.PI / 16);
            }
        }
    }

    private JpegQuantization() {}

    private static boolean flat(int[] lum, int width, int x0, int y0) {
        int first = lum[y0 * width + x0];
        for (int y = 0; y < 8; y++) {
            int row = (y0 + y) * width + x0;
            for (int x = 0; x < 8; x++) {
                if (lum[row + x] != first) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The lowest quality whose table makes a coefficient of this magnitude non-zero, or MAX_QUALITY + 1. It is
     * non-zero where its step is below 2|c|, i.e. at most ceil(2|c|) - 1 as steps are integers.
     */
    private static int firstNonZero(double magnitude, int k) {
        int largestStep = (int) Math.min(255, Math.ceil(2 * magnitude) - 1);
        return largestStep < 1 ? MAX_QUALITY + 1 : FIRST_QUALITY_WITH_STEP_AT_MOST[k][largestStep];
    }

    /** Reusable buffers of one thread, so that the estimate allocates nothing. */
    static final class Workspace {
        final double[] coefficients = new double[MAX_BLOCKS * V.length];
        final int[] frequency = new int[MAX_BLOCKS * V.length];
        final double[] rows = new double[8 * 8];
        /** Coarsest quality at which each kept coefficient is non-zero. */
        final int[] firstNonZero = new int[MAX_BLOCKS * V.length];
        /** The kept coefficients ordered by firstNonZero, and their frequencies. */
        final double[] ordered = new double[MAX_BLOCKS * V.length];
        final int[] orderedFrequency = new int[MAX_BLOCKS * V.length];
        /** Start of each quality's coefficients in the ordered arrays (counting sort). */
        final int[] start = new int[MAX_QUALITY + 2];
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
            if (flat(lum, width, x0, y0)) {
                continue; // every AC coefficient is 0: backgrounds cost nothing
            }
            // Row pass: rows[y][u] = sum_x COS[u][x] * (lum - 128), for the u that occur (u <= MAX_FREQUENCY_SUM).
            for (int y = 0; y < 8; y++) {
                int row = (y0 + y) * width + x0;
                double p0 = lum[row] - 128;
                double p1 = lum[row + 1] - 128;
                double p2 = lum[row + 2] - 128;
                double p3 = lum[row + 3] - 128;
                double p4 = lum[row + 4] - 128;
                double p5 = lum[row + 5] - 128;
                double p6 = lum[row + 6] - 128;
                double p7 = lum[row + 7] - 128;
                for (int u = 0; u <= MAX_FREQUENCY_SUM; u++) {
                    double[] c = COS[u];
                    rows[y * 8 + u] = c[0] * p0 + c[1] * p1 + c[2] * p2 + c[3] * p3
                            + c[4] * p4 + c[5] * p5 + c[6] * p6 + c[7] * p7;
                }
            }
            // Column pass, one column of the row pass at a time, for the v with u + v in [1, MAX_FREQUENCY_SUM].
            for (int u = 0; u <= MAX_FREQUENCY_SUM; u++) {
                double r0 = rows[u];
                double r1 = rows[8 + u];
                double r2 = rows[16 + u];
                double r3 = rows[24 + u];
                double r4 = rows[32 + u];
                double r5 = rows[40 + u];
                double r6 = rows[48 + u];
                double r7 = rows[56 + u];
                for (int v = u == 0 ? 1 : 0; v <= MAX_FREQUENCY_SUM - u; v++) {
                    double[] c = COS[v];
                    double s = c[0] * r0 + c[1] * r1 + c[2] * r2 + c[3] * r3
                            + c[4] * r4 + c[5] * r5 + c[6] * r6 + c[7] * r7;
                    int k = INDEX[v * 8 + u];
                    // A coefficient that rounds to 0 under every table never enters the test.
                    int q = firstNonZero(Math.abs(s), k);
                    if (q <= MAX_QUALITY) {
                        coefficients[kept] = s;
                        frequency[kept] = k;
                        workspace.firstNonZero[kept] = q;
                        kept++;
                    }
                }
            }
        }
        if (kept < MIN_COEFFICIENTS) {
            return NONE;
        }
        // Steps shrink as the quality rises, so a coefficient that is non-zero at some quality stays non-zero above
        // it: ordered by the quality where they become non-zero, the non-zero coefficients at quality q are a
        // prefix, and the test visits nothing else.
        int[] first = workspace.firstNonZero;
        int[] start = workspace.start;
        java.util.Arrays.fill(start, 0);
        for (int i = 0; i < kept; i++) {
            start[first[i] + 1]++;
        }
        for (int q = 1; q <= MAX_QUALITY + 1; q++) {
            start[q] += start[q - 1];
        }
        double[] ordered = workspace.ordered;
        int[] orderedFrequency = workspace.orderedFrequency;
        for (int i = 0; i < kept; i++) {
            int slot = start[first[i]]++;
            ordered[slot] = coefficients[i];
            orderedFrequency[slot] = frequency[i];
        }
        // After the pass, start[q] is the end of quality q's coefficients: the prefix length at q.
        for (int q = 1; q <= MAX_QUALITY; q++) {
            int n = start[q];
            if (n < MIN_COEFFICIENTS) {
                continue;
            }
            // The fit test as a bound on the sum of d², so a table that fails can be left as soon as it does.
            double limit = n * Math.min(MAX_MEAN_D2, 1.0 / 12 - Z * NULL_SD_D2 / Math.sqrt(n));
            if (limit <= 0) {
                continue;
            }
            double[] inverse = INVERSE_STEP[q];
            double sumD2 = 0;
            int i = 0;
            // Screen on the first coefficients, the most clearly non-zero: a wrong table puts their mean d² near
            // 1/12; a right one keeps it small unless most of them were clipped.
            for (; i < SCREEN; i++) {
                double r = ordered[i] * inverse[orderedFrequency[i]];
                double d = r - Math.rint(r);
                sumD2 += d * d;
            }
            if (sumD2 > SCREEN * SCREEN_MEAN_D2) {
                continue;
            }
            for (; i < n && sumD2 < limit; i++) {
                double r = ordered[i] * inverse[orderedFrequency[i]];
                double d = r - Math.rint(r);
                sumD2 += d * d;
            }
            if (i == n && sumD2 < limit) {
                return q;
            }
        }
        return NONE;
    }
}
