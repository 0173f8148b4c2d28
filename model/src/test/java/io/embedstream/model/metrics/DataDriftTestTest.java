package io.embedstream.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DataDriftTestTest {

    @Test
    void falseAlarmRateAtAlpha005IsCalibrated() {
        // Small windows keep 400 trials fast; the permutation test is exact under exchangeability at any
        // size, so calibration at n=128 speaks for larger n too.
        int trials = 400;
        int n = 128;
        int d = 32;
        DataDriftTest test = new DataDriftTest(DriftConfig.builder().permutations(200).build());
        Random rng = new Random(31);
        int alarms = 0;
        long start = System.nanoTime();
        for (int t = 0; t < trials; t++) {
            EmbeddingWindow a = EmbeddingWindow.of(Synthetic.gaussian(rng, n, d), n, d);
            EmbeddingWindow b = EmbeddingWindow.of(Synthetic.gaussian(rng, n, d), n, d);
            if (test.test(a, b).driftDetected(0.05)) {
                alarms++;
            }
        }
        double rate = alarms / (double) trials;
        System.out.printf("MMD false-alarm rate at alpha=0.05: %.4f (%d/%d trials, n=%d, d=%d, %.0f ms)%n",
                rate, alarms, trials, n, d, (System.nanoTime() - start) / 1e6);
        assertTrue(rate >= 0.02 && rate <= 0.08, "false-alarm rate " + rate);
    }

    @Test
    void falseAlarmRateStaysCalibratedWhenLargeWindowsAreSubsampled() {
        // Windows of 512 with the default 256-row cap: subsampling is independent of which window a row
        // came from, so exchangeability, and with it the level of the test, must survive.
        int trials = 200;
        int n = 512;
        int d = 64;
        DataDriftTest test = new DataDriftTest(DriftConfig.defaults());
        Random rng = new Random(36);
        int alarms = 0;
        long start = System.nanoTime();
        for (int t = 0; t < trials; t++) {
            EmbeddingWindow a = EmbeddingWindow.of(Synthetic.gaussian(rng, n, d), n, d);
            EmbeddingWindow b = EmbeddingWindow.of(Synthetic.gaussian(rng, n, d), n, d);
            if (test.test(a, b).driftDetected(0.05)) {
                alarms++;
            }
        }
        double rate = alarms / (double) trials;
        System.out.printf("MMD false-alarm rate at alpha=0.05 with subsampling: %.4f (%d/%d trials, n=%d -> 256, d=%d, %.0f ms)%n",
                rate, alarms, trials, n, d, (System.nanoTime() - start) / 1e6);
        assertTrue(rate >= 0.02 && rate <= 0.08, "false-alarm rate " + rate);
    }

    @Test
    void halfSigmaShiftInTenPercentOfDimensionsIsDetectedWithDefaultSubsampling() {
        // Windows of 512; the default configuration subsamples each to 256 rows.
        assertPower(DriftConfig.defaults(), 100, 32);
    }

    @Test
    void halfSigmaShiftInTenPercentOfDimensionsIsDetectedWithoutSubsampling() {
        assertPower(DriftConfig.builder().maxSamplesPerWindow(512).build(), 20, 35);
    }

    private static void assertPower(DriftConfig config, int trials, long seed) {
        int n = 512;
        int d = 128;
        int shiftedDims = 13;
        DataDriftTest test = new DataDriftTest(config);
        Random rng = new Random(seed);
        int detected = 0;
        double pMax = 0;
        long start = System.nanoTime();
        for (int t = 0; t < trials; t++) {
            EmbeddingWindow ref = EmbeddingWindow.of(Synthetic.gaussian(rng, n, d), n, d);
            float[] cur = Synthetic.shifted(Synthetic.gaussian(rng, n, d), n, d, shiftedDims, 0.5f);
            DataDriftResult r = test.test(ref, EmbeddingWindow.of(cur, n, d));
            pMax = Math.max(pMax, r.pValue());
            if (r.driftDetected(0.05)) {
                detected++;
            }
        }
        double power = detected / (double) trials;
        System.out.printf("MMD power (0.5 sd shift in %d/%d dims, windows %d, cap %d): %.3f (%d/%d), max p %.4f, %.1f ms/test%n",
                shiftedDims, d, n, config.maxSamplesPerWindow(), power, detected, trials, pMax,
                (System.nanoTime() - start) / 1e6 / trials);
        assertTrue(power >= 0.95, "power " + power);
    }

    @Test
    void statisticMatchesDirectUnbiasedMmd() {
        int n = 40;
        int d = 5;
        Random rng = new Random(33);
        float[] a = Synthetic.gaussian(rng, n, d);
        float[] b = Synthetic.shifted(Synthetic.gaussian(rng, n, d), n, d, 2, 0.7f);
        DataDriftResult r = new DataDriftTest(DriftConfig.defaults()).test(EmbeddingWindow.of(a, n, d), EmbeddingWindow.of(b, n, d));
        double s2 = r.bandwidth();
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    xx += k(a, i, a, j, d, s2);
                    yy += k(b, i, b, j, d, s2);
                }
                xy += k(a, i, b, j, d, s2);
            }
        }
        double expected = xx / (n * (n - 1.0)) + yy / (n * (n - 1.0)) - 2 * xy / ((double) n * n);
        assertEquals(expected, r.mmd2(), 1e-5);
        assertEquals(n, r.referenceSize());
        assertTrue(r.pValue() > 0 && r.pValue() <= 1);
    }

    private static double k(float[] x, int i, float[] y, int j, int d, double sigma2) {
        double s = 0;
        for (int c = 0; c < d; c++) {
            double t = x[i * d + c] - y[j * d + c];
            s += t * t;
        }
        return Math.exp(-s / (2 * sigma2));
    }

    @Test
    void largeWindowsAreSubsampledToTheCap() {
        int n = 300;
        int d = 4;
        Random rng = new Random(34);
        DataDriftTest test = new DataDriftTest(DriftConfig.builder().maxSamplesPerWindow(100).build());
        DataDriftResult r = test.test(EmbeddingWindow.of(Synthetic.gaussian(rng, n, d), n, d),
                EmbeddingWindow.of(Synthetic.gaussian(rng, 50, d), 50, d));
        assertEquals(100, r.referenceSize());
        assertEquals(50, r.currentSize());
    }

    @Test
    void identicalConstantWindowsGivePValueOne() {
        float[] x = new float[20 * 3];
        java.util.Arrays.fill(x, 2f);
        DataDriftResult r = new DataDriftTest(DriftConfig.defaults()).test(EmbeddingWindow.of(x, 20, 3), EmbeddingWindow.of(x, 20, 3));
        assertEquals(0.0, r.mmd2());
        assertEquals(1.0, r.pValue());
    }

    @Test
    void misuseIsRejectedClearly() {
        DataDriftTest test = new DataDriftTest(DriftConfig.defaults());
        EmbeddingWindow a = EmbeddingWindow.of(new float[8], 4, 2);
        EmbeddingWindow b = EmbeddingWindow.of(new float[9], 3, 3);
        assertThrows(IllegalArgumentException.class, () -> test.test(a, b));
        assertThrows(IllegalArgumentException.class, () -> test.test(a, EmbeddingWindow.of(new float[2], 1, 2)));
        assertThrows(IllegalArgumentException.class, () -> DriftConfig.builder().permutations(5).build());
    }
}
