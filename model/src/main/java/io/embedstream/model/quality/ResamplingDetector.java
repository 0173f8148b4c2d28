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
 * frequencies from {@value #BACKGROUND_FROM} up, and of the row profile only when the first has a peak (two
 * tables per profile length, cached per thread by the caller's {@link Workspace}).
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
        double[] sin = ws.sin(length);
        int first = (int) Math.ceil(BACKGROUND_FROM * length);
        int last = length / 2;
        int searchFrom = (int) Math.ceil(MIN_FREQUENCY * length);
        if (last - first < 4 || searchFrom > last) {
            return -1;
        }
        double[] magnitude = ws.magnitudes(last - first + 1);
        double best = -1;
        int bestK = -1;
        for (int k = first; k <= last; k++) {
            // Four sums each, for x mod 4: one pair made a chain of dependent additions that bounded the loop.
            // The phase of x + j is that of x plus j k (mod length); every sum below stays under 2 length.
            int k2 = (2 * k) % length;
            int k3 = (3 * k) % length;
            int k4 = (4 * k) % length;
            double re0 = 0;
            double re1 = 0;
            double re2 = 0;
            double re3 = 0;
            double im0 = 0;
            double im1 = 0;
            double im2 = 0;
            double im3 = 0;
            int phase = 0;
            int x = 0;
            for (; x + 3 < length; x += 4) {
                int a1 = phase + k;
                int a2 = phase + k2;
                int a3 = phase + k3;
                int a4 = phase + k4;
                a1 = a1 >= length ? a1 - length : a1;
                a2 = a2 >= length ? a2 - length : a2;
                a3 = a3 >= length ? a3 - length : a3;
                re0 += p[x] * cos[phase];
                im0 += p[x] * sin[phase];
                re1 += p[x + 1] * cos[a1];
                im1 += p[x + 1] * sin[a1];
                re2 += p[x + 2] * cos[a2];
                im2 += p[x + 2] * sin[a2];
                re3 += p[x + 3] * cos[a3];
                im3 += p[x + 3] * sin[a3];
                phase = a4 >= length ? a4 - length : a4;
            }
            for (; x < length; x++) {
                re0 += p[x] * cos[phase];
                im0 += p[x] * sin[phase];
                phase += k;
                if (phase >= length) {
                    phase -= length;
                }
            }
            double re = (re0 + re1) + (re2 + re3);
            double im = (im0 + im1) + (im2 + im3);
            double m = Math.sqrt(re * re + im * im);
            magnitude[k - first] = m;
            if (k >= searchFrom && m > best) {
                best = m;
                bestK = k;
            }
        }
        int count = last - first + 1;
        Arrays.sort(magnitude, 0, count);
        double median = magnitude[count / 2];
        return best > MIN_PEAK * median && median > 0 ? (double) bestK / length : -1;
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
        private double[] sin = new double[0];

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

        double[] sin(int length) {
            table(length);
            return sin;
        }

        private void table(int length) {
            if (tableLength == length) {
                return;
            }
            cos = new double[length];
            sin = new double[length];
            for (int m = 0; m < length; m++) {
                cos[m] = Math.cos(2 * Math.PI * m / length);
                sin[m] = Math.sin(2 * Math.PI * m / length);
            }
            tableLength = length;
        }
    }
}
