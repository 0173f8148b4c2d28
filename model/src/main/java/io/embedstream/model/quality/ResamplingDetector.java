package io.embedstream.model.quality;

import java.util.Arrays;

/**
 * Estimates the factor by which an image was shrunk and then enlarged back by linear interpolation, from the
 * periodic trace that the interpolation leaves (Gallagher 2005; Popescu and Farid 2005).
 *
 * <p>A bilinear enlargement is piecewise linear between the grid lines of the small image, which lie every
 * {@code f} output pixels (f = the factor). The second difference along a row is exactly zero, up to rounding,
 * except near those lines, so the mean absolute second difference per column (the column profile) is periodic
 * with frequency 1/f, whatever the scene: the scene only sets how strong each kink is. Its spectrum has a peak at
 * that frequency, seen at 1/f for f &gt;= 2 and aliased to 1 - 1/f for f &lt; 2, as the profile is sampled once
 * per pixel. Which of the two it is follows from the profile folded over the period: for f &gt; 2 some phases lie
 * more than a pixel from every grid line and are quiet (only rounding, whatever the content), for f &lt; 2 every
 * phase is within a pixel of one. The same holds for the row profile; the factor is taken only when both axes
 * show a strong peak at the same frequency, away from the multiples of 1/8 where JPEG's block grid puts its own.
 *
 * <p>Unlike measures of fine detail, which also vary with the scene (smooth backdrops against fine textures), the
 * trace is absent from images that were never resampled, so a clean image of any content scores about 1. Blind
 * spots: f = 2 exactly with centre-aligned interpolation puts a kink between every pair of pixels, which has no
 * period to find, and other interpolation kernels (bicubic, Lanczos) leave a weaker trace. Below
 * {@value #MIN_SIDE} px there are too few periods; the factor is then 1.
 *
 * <p>Cost: the estimator builds the profiles in two loops that vectorise (the column profile on the rows its
 * 3x3 pass samples, the row profile on every row and column); then a DFT of the column profile over the
 * frequencies from {@value #BACKGROUND_FROM} up, and of the row profile only when the first has a peak (a cosine
 * table per profile length, cached per thread by the caller's {@link Workspace}).
 */
final class ResamplingDetector {
    /** Returned when no interpolation trace is found. */
    static final double NONE = 1.0;
    /** Shorter sides below this are not searched. */
    static final int MIN_SIDE = 48;
    /** Lowest frequency (cycles per pixel) searched for the peak: factors up to 1 / this. */
    static final double MIN_FREQUENCY = 0.15;
    /** Frequencies from here up make the spectrum's background level (its median). */
    static final double BACKGROUND_FROM = 0.05;
    /** The peak must stand this many times above the background on both axes. */
    static final double MIN_PEAK = 5.0;
    /** Distance (cycles per pixel) from a multiple of 1/8 within which a peak may be JPEG's block grid. */
    static final double BLOCK_GRID_MARGIN = 0.006;
    /** Phase bins of the folded profile. */
    static final int PHASES = 8;
    /** Quietest phase over loudest below which the factor is taken as 1/frequency (above 2), else 1/(1 - frequency). */
    static final double QUIET = 0.08;

    private ResamplingDetector() {}

    /**
     * The estimated factor, or {@link #NONE}.
     *
     * @param columnD2     per column x (1 .. width - 2), the sum over the sampled rows of |second difference along x|
     * @param columnExcess the same sums of max(0, |second difference| - 1), which drops the rounding of a linear ramp
     * @param rowD2        per row y (1 .. height - 2), the sum over the sampled columns of |second difference along y|
     * @param rowExcess    the same sums of max(0, |second difference| - 1)
     */
    static double factor(int[] columnD2, int[] columnExcess, int[] rowD2, int[] rowExcess, int width, int height,
                         Workspace ws) {
        if (Math.min(width, height) < MIN_SIDE) {
            return NONE;
        }
        double nuX = peak(columnD2, 1, width - 2, ws);
        if (nuX < 0) {
            return NONE;
        }
        double nuY = peak(rowD2, 1, height - 2, ws);
        if (nuY < 0 || Math.abs(nuX - nuY) >= 1.0 / Math.min(width, height) || nearBlockGrid(nuX)) {
            return NONE;
        }
        double quiet = Math.max(quietest(columnExcess, 1, width - 2, nuX), quietest(rowExcess, 1, height - 2, nuY));
        double nu = 0.5 * (nuX + nuY);
        return quiet < QUIET ? 1.0 / nu : 1.0 / (1.0 - nu);
    }

    /** Frequency (cycles per pixel) of the profile's peak, or -1 when no peak stands out enough. */
    private static double peak(int[] profile, int from, int length, Workspace ws) {
        double[] p = ws.centred(profile, from, length);
        double[] cos = ws.cos(length);
        int first = (int) Math.ceil(BACKGROUND_FROM * length);
        int last = length / 2;
        int searchFrom = (int) Math.ceil(MIN_FREQUENCY * length);
        if (last - first < 4 || searchFrom > last) {
            return -1;
        }
        double[] magnitude = ws.magnitudes(last - first + 1);
        // Goertzel's recurrence, four frequencies at a time: s = p[x] + 2 cos(w) s' - s'' needs no table look-up per
        // sample, and four independent chains keep the multiplier busy (the table-driven sums cost about 70 us of a
        // 224 px estimate, this a fraction). |X(k)|^2 = s'^2 + s''^2 - 2 cos(w) s' s'' after the last sample.
        int k = first;
        for (; k + 3 <= last; k += 4) {
            double c0 = 2 * cos[k];
            double c1 = 2 * cos[k + 1];
            double c2 = 2 * cos[k + 2];
            double c3 = 2 * cos[k + 3];
            double a0 = 0, b0 = 0, a1 = 0, b1 = 0, a2 = 0, b2 = 0, a3 = 0, b3 = 0;
            for (int x = 0; x < length; x++) {
                double v = p[x];
                double n0 = v + c0 * a0 - b0;
                double n1 = v + c1 * a1 - b1;
                double n2 = v + c2 * a2 - b2;
                double n3 = v + c3 * a3 - b3;
                b0 = a0;
                b1 = a1;
                b2 = a2;
                b3 = a3;
                a0 = n0;
                a1 = n1;
                a2 = n2;
                a3 = n3;
            }
            magnitude[k - first] = goertzelMagnitude(a0, b0, c0);
            magnitude[k + 1 - first] = goertzelMagnitude(a1, b1, c1);
            magnitude[k + 2 - first] = goertzelMagnitude(a2, b2, c2);
            magnitude[k + 3 - first] = goertzelMagnitude(a3, b3, c3);
        }
        for (; k <= last; k++) {
            double c = 2 * cos[k];
            double a1 = 0;
            double b1 = 0;
            for (int x = 0; x < length; x++) {
                double n = p[x] + c * a1 - b1;
                b1 = a1;
                a1 = n;
            }
            magnitude[k - first] = goertzelMagnitude(a1, b1, c);
        }
        double best = -1;
        int bestK = -1;
        for (k = Math.max(first, searchFrom); k <= last; k++) {
            if (magnitude[k - first] > best) {
                best = magnitude[k - first];
                bestK = k;
            }
        }
        int count = last - first + 1;
        Arrays.sort(magnitude, 0, count);
        double median = magnitude[count / 2];
        return best > MIN_PEAK * median && median > 0 ? (double) bestK / length : -1;
    }

    private static double goertzelMagnitude(double s1, double s2, double twoCos) {
        return Math.sqrt(Math.max(0.0, s1 * s1 + s2 * s2 - twoCos * s1 * s2));
    }

    /** Quietest phase over the loudest, of the profile folded at frequency {@code nu}. */
    private static double quietest(int[] profile, int from, int length, double nu) {
        double[] sum = new double[PHASES];
        int[] count = new int[PHASES];
        for (int x = 0; x < length; x++) {
            double phase = ((from + x) * nu) % 1.0;
            int b = Math.min(PHASES - 1, (int) (phase * PHASES));
            sum[b] += profile[from + x];
            count[b]++;
        }
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int b = 0; b < PHASES; b++) {
            if (count[b] > 0) {
                double mean = sum[b] / count[b];
                min = Math.min(min, mean);
                max = Math.max(max, mean);
            }
        }
        return max > 0 ? min / max : 1.0;
    }

    private static boolean nearBlockGrid(double nu) {
        double eighths = nu * 8;
        return Math.abs(eighths - Math.rint(eighths)) < 8 * BLOCK_GRID_MARGIN;
    }

    /** Per-thread buffers and DFT tables, grown or rebuilt for the profile length at hand. */
    static final class Workspace {
        private double[] centred = new double[0];
        private double[] magnitudes = new double[0];
        private int tableLength = -1;
        private double[] cos = new double[0];

        double[] centred(int[] profile, int from, int length) {
            if (centred.length < length) {
                centred = new double[length];
            }
            double mean = 0;
            for (int x = 0; x < length; x++) {
                mean += profile[from + x];
            }
            mean /= length;
            for (int x = 0; x < length; x++) {
                centred[x] = profile[from + x] - mean;
            }
            return centred;
        }

        double[] magnitudes(int n) {
            if (magnitudes.length < n) {
                magnitudes = new double[n];
            }
            return magnitudes;
        }

        double[] cos(int length) {
            table(length);
            return cos;
        }

        private void table(int length) {
            if (tableLength == length) {
                return;
            }
            cos = new double[length];
            for (int m = 0; m < length; m++) {
                cos[m] = Math.cos(2 * Math.PI * m / length);
            }
            tableLength = length;
        }
    }
}
