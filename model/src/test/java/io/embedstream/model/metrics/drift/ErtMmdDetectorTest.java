package io.embedstream.model.metrics.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.random.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErtMmdDetectorTest {

    @Test
    void meanRunLengthWithoutDriftMatchesTheExpectedRunTime() {
        // Small embeddings and steps keep 300 runs (about 60,000 updates) fast. The comparison part is 250 x the
        // test window, so the fixed split's own sampling error moves the realised ERT by a few percent only
        // (see ErtMmdConfig); 500 x ERT simulated streams put about 500 beyond each threshold.
        int d = 8;
        int ert = 200;
        int runs = 300;
        ReferenceSample reference = ReferenceSample.of(Streams.gaussian(new Rng(101), 2048, d));
        ErtMmdConfig config = ErtMmdConfig.builder(reference).expectedRunTime(ert).windowSteps(2).rowsPerStep(8)
                .bootstraps(500 * ert).seed(1).build();
        long start = System.nanoTime();
        ErtMmdDetector calibrated = ErtMmdDetector.calibrate(config);
        double calibrationMs = (System.nanoTime() - start) / 1e6;
        ErtMmdState initial = calibrated.state();
        // Fresh data from the reference's distribution, never the reference rows the simulation drew from.
        Rng stream = new Rng(7777);
        long[] lengths = new long[runs];
        long cap = 20L * ert;
        start = System.nanoTime();
        for (int r = 0; r < runs; r++) {
            ErtMmdDetector detector = ErtMmdDetector.restore(config, initial);
            ErtMmdResult result;
            do {
                result = detector.update(Streams.gaussian(stream, 16, d));
            } while (!result.drift() && result.step() < cap);
            lengths[r] = result.step();
        }
        double runMs = (System.nanoTime() - start) / 1e6;
        double mean = Arrays.stream(lengths).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(lengths).mapToDouble(l -> (l - mean) * (l - mean)).sum() / (runs - 1));
        long[] sorted = lengths.clone();
        Arrays.sort(sorted);
        System.out.printf(java.util.Locale.ROOT, "ERT %d: mean run length %.1f (sd %.1f, standard error %.1f, median %d,"
                        + " min %d, max %d) over %d runs without drift; thresholds %s; calibration %.0f ms, runs %.0f ms%n",
                ert, mean, sd, sd / Math.sqrt(runs), sorted[runs / 2], sorted[0], sorted[runs - 1], runs,
                Arrays.toString(calibrated.thresholds()), calibrationMs, runMs);
        assertTrue(mean >= 0.75 * ert && mean <= 1.25 * ert, "mean run length " + mean + " not within 25% of " + ert);
        // Memoryless: a geometric run length has sd close to its mean.
        assertTrue(sd > 0.7 * mean && sd < 1.3 * mean, "run-length sd " + sd + " vs mean " + mean);
    }

    @Test
    void oneSigmaMeanShiftInAFewDimensionsIsDetectedWithinTwoWindows() {
        int d = 64;
        ReferenceSample reference = ReferenceSample.of(Streams.gaussian(new Rng(202), 2048, d));
        ErtMmdConfig config = ErtMmdConfig.builder(reference).expectedRunTime(500).windowSteps(2).rowsPerStep(32)
                .seed(3).build();
        ErtMmdDetector calibrated = ErtMmdDetector.calibrate(config);
        ErtMmdState initial = calibrated.state();
        Rng stream = new Rng(4242);
        int trials = 10;
        List<Long> delays = new ArrayList<>();
        for (int trial = 0; trial < trials; trial++) {
            ErtMmdDetector detector = ErtMmdDetector.restore(config, initial);
            for (int t = 0; t < 4; t++) {
                detector.update(Streams.gaussian(stream, 256, d));
            }
            long changeAt = detector.step();
            ErtMmdResult result;
            do {
                result = detector.update(Streams.shift(Streams.gaussian(stream, 256, d), 4, 1f));
            } while (!result.drift() && result.step() < changeAt + 50);
            delays.add(result.step() - changeAt);
        }
        System.out.println("1-sigma shift in 4 of " + d + " dimensions: detected after " + delays
                + " windows (W=2, b=32, ERT 500)");
        assertTrue(delays.stream().allMatch(delay -> delay <= 2), "detection delays " + delays);
    }

    @Test
    void stateRoundTripContinuesExactlyAsAnUninterruptedDetector() {
        int d = 16;
        int[] labels = Streams.labels(new Rng(5), 1200, new double[] {0.5, 0.3, 0.2});
        ReferenceSample reference = ReferenceSample.of(Streams.clustered(new Rng(6), labels, d, 3f), labels);
        ErtMmdConfig config = ErtMmdConfig.builder(reference).expectedRunTime(50).windowSteps(3).rowsPerStep(12)
                .bootstraps(1000).seed(9).build();
        ErtMmdDetector uninterrupted = ErtMmdDetector.calibrate(config);
        ErtMmdDetector first = ErtMmdDetector.calibrate(config);
        assertEquals(uninterrupted.state(), first.state(), "calibration is deterministic");
        Rng stream = new Rng(77);
        List<float[][]> windows = new ArrayList<>();
        List<int[]> windowLabels = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            // Class 2 is rare in some windows, so the sampler draws some of its rows twice; later windows drift.
            double[] mix = t % 3 == 0 ? new double[] {0.6, 0.38, 0.02} : new double[] {0.5, 0.3, 0.2};
            int[] y = Streams.labels(stream, 60, mix);
            float[][] x = Streams.clustered(stream, y, d, 3f);
            windows.add(t >= 8 ? Streams.shift(x, 3, 1.5f) : x);
            windowLabels.add(y);
        }
        List<ErtMmdResult> expected = new ArrayList<>();
        for (int t = 0; t < windows.size(); t++) {
            expected.add(uninterrupted.update(windows.get(t), windowLabels.get(t)));
        }
        for (int k = 0; k < 5; k++) {
            first.update(windows.get(k), windowLabels.get(k));
        }
        // Through bytes, as a checkpoint would go.
        ErtMmdState saved = ErtMmdState.fromBytes(first.state().toBytes());
        assertEquals(first.state(), saved);
        ErtMmdDetector restored = ErtMmdDetector.restore(config, saved);
        for (int t = 5; t < windows.size(); t++) {
            assertEquals(expected.get(t), restored.update(windows.get(t), windowLabels.get(t)), "window " + t);
        }
        assertEquals(uninterrupted.state(), restored.state());
        assertTrue(expected.stream().anyMatch(r -> r.note().contains("drawn twice")), "the short-class path was exercised");
        assertTrue(uninterrupted.firstDetection().isPresent(), "the drift after window 8 was detected");
    }

    @Test
    void aRestoreNeitherReArmsNorForgetsAndResetReArms() {
        int d = 8;
        ReferenceSample reference = ReferenceSample.of(Streams.gaussian(new Rng(8), 600, d));
        ErtMmdConfig config = ErtMmdConfig.builder(reference).expectedRunTime(20).windowSteps(2).rowsPerStep(8)
                .bootstraps(400).build();
        ErtMmdDetector detector = ErtMmdDetector.calibrate(config);
        ErtMmdState initial = detector.state();
        Rng stream = new Rng(9);
        ErtMmdResult result;
        do {
            result = detector.update(Streams.shift(Streams.gaussian(stream, 16, d), d, 2f));
        } while (!result.drift());
        long detectedAt = result.step();
        ErtMmdDetector restored = ErtMmdDetector.restore(config, detector.state());
        assertEquals(detectedAt, restored.firstDetection().orElseThrow());
        assertEquals(detectedAt, restored.step());
        ErtMmdResult next = restored.update(Streams.gaussian(stream, 16, d));
        assertEquals(detectedAt + 1, next.step(), "the clock runs on: threshold " + next.threshold());
        assertEquals(detectedAt, next.firstDetection().orElseThrow(), "the detection stays latched");
        restored.reset();
        assertEquals(0, restored.step());
        assertTrue(restored.firstDetection().isEmpty());
        ErtMmdState reset = restored.state();
        assertArrayEquals(initial.windowRows(), reset.windowRows(), "reset reloads the initial window");
        assertArrayEquals(initial.crossSums(), reset.crossSums());
    }

    @Test
    void statisticIsTheUnbiasedMmdOfTheComparisonPartAgainstTheTestWindow() {
        int d = 5;
        int n = 300;
        float[][] ref = Streams.gaussian(new Rng(10), n, d);
        ErtMmdConfig config = ErtMmdConfig.builder(ReferenceSample.of(ref)).expectedRunTime(10).windowSteps(2)
                .rowsPerStep(8).bootstraps(100).build();
        ErtMmdDetector detector = ErtMmdDetector.calibrate(config);
        Rng stream = new Rng(11);
        ErtMmdResult last = null;
        for (int t = 0; t < 3; t++) {
            last = detector.update(Streams.shift(Streams.gaussian(stream, 30, d), 2, 0.5f));
        }
        // The median heuristic by brute force, in the embeddings' units: the median (the lower one, for an even
        // count) of the squared distances between reference rows, all 44,850 pairs (below the sampling limit).
        double[] pairs = new double[n * (n - 1) / 2];
        int p = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double sq = 0;
                for (int c = 0; c < d; c++) {
                    sq += ((double) ref[i][c] - ref[j][c]) * ((double) ref[i][c] - ref[j][c]);
                }
                pairs[p++] = sq;
            }
        }
        Arrays.sort(pairs);
        double median = pairs[(pairs.length - 1) / 2];
        assertEquals(median, detector.bandwidth(), 1e-5 * median);
        double gamma = 1 / (2 * median);
        ErtMmdState s = detector.state();
        boolean[] held = new boolean[n];
        for (int i : s.heldOut()) {
            held[i] = true;
        }
        List<double[]> x = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!held[i]) {
                double[] row = new double[d];
                for (int j = 0; j < d; j++) {
                    row[j] = ref[i][j];
                }
                x.add(row);
            }
        }
        float[] w = s.windowRows(); // in working units: embeddings x scale
        List<double[]> y = new ArrayList<>();
        for (int i = 0; i < w.length / d; i++) {
            double[] row = new double[d];
            for (int j = 0; j < d; j++) {
                row[j] = w[i * d + j] / s.scale();
            }
            y.add(row);
        }
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int i = 0; i < x.size(); i++) {
            for (int j = 0; j < x.size(); j++) {
                xx += i == j ? 0 : k(x.get(i), x.get(j), gamma);
            }
            for (double[] yj : y) {
                xy += k(x.get(i), yj, gamma);
            }
        }
        for (int i = 0; i < y.size(); i++) {
            for (int j = 0; j < y.size(); j++) {
                yy += i == j ? 0 : k(y.get(i), y.get(j), gamma);
            }
        }
        int m = x.size();
        int q = y.size();
        double mmd2 = xx / ((double) m * (m - 1)) + yy / ((double) q * (q - 1)) - 2 * xy / ((double) m * q);
        assertEquals(mmd2, last.statistic().getAsDouble(), 1e-6 + 1e-4 * Math.abs(mmd2));
        assertEquals(config.comparisonRows(), m);
        assertEquals(config.testWindowRows(), q);
    }

    private static double k(double[] a, double[] b, double gamma) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return Math.exp(-gamma * s);
    }

    @Test
    void thresholdsAreConditionedOnNoEarlierAlarm() {
        // Two simulated streams x three steps: the second stream alarms at step 0 and no longer counts after.
        double[] stats = new double[] {1, 5, 5, 9, 0, 0};
        double[] thr = ErtMmdDetector.thresholds(stats, 2, 3, 0.5);
        assertEquals(5.0, thr[0], 1e-12); // median of {1, 9}
        assertEquals(5.0, thr[1], 1e-12); // only stream 0 left
        assertEquals(5.0, thr[2], 1e-12);
    }

    @Test
    void windowsThatCannotBeTestedLeaveTheDetectorAlone() {
        int d = 4;
        int[] labels = Streams.labels(new Rng(1), 600, new double[] {0.5, 0.5});
        ReferenceSample reference = ReferenceSample.of(Streams.clustered(new Rng(2), labels, d, 3f), labels);
        ErtMmdConfig config = ErtMmdConfig.builder(reference).expectedRunTime(20).windowSteps(1).rowsPerStep(8)
                .bootstraps(200).build();
        ErtMmdDetector detector = ErtMmdDetector.calibrate(config);
        ErtMmdState before = detector.state();
        int[] onlyClass0 = new int[20];
        ErtMmdResult result = detector.update(Streams.clustered(new Rng(3), onlyClass0, d, 3f), onlyClass0);
        assertFalse(result.tested());
        assertTrue(result.note().contains("[1]"), result.note());
        assertEquals(before, detector.state());
        float[][] nan = Streams.gaussian(new Rng(4), 20, d);
        for (float[] row : nan) {
            row[0] = Float.NaN;
        }
        assertFalse(detector.update(nan, Streams.labels(new Rng(5), 20, new double[] {0.5, 0.5})).tested());
        assertThrows(IllegalArgumentException.class, () -> detector.update(Streams.gaussian(new Rng(6), 20, d)),
                "a stratified detector needs labels");
        assertThrows(IllegalArgumentException.class, () -> detector.update(Streams.gaussian(new Rng(6), 20, d + 1),
                new int[20]));
    }

    @Test
    void theStateIsAsLargeAsErtMmdStateSays() {
        // "About W x b x d x 4 bytes plus 2 x W x b x 4 for the held-out indices (65 KiB at W = 2, b = 64, d = 128)."
        int w = 2;
        int b = 64;
        int d = 128;
        ReferenceSample reference = ReferenceSample.of(Streams.gaussian(new Rng(1), 6 * w * b, d));
        ErtMmdConfig config = ErtMmdConfig.builder(reference).expectedRunTime(2).windowSteps(w).rowsPerStep(b)
                .bootstraps(20).build();
        int formula = w * b * d * 4 + 2 * w * b * 4;
        assertEquals(65 * 1024, formula);
        int bytes = ErtMmdDetector.calibrate(config).state().toBytes().length;
        assertTrue(bytes >= formula && bytes < formula + 256, bytes + " bytes");
    }

    @Test
    void configurationErrorsNameTheBadValue() {
        ReferenceSample small = ReferenceSample.of(Streams.gaussian(new Rng(1), 100, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ErtMmdConfig.builder(small).build());
        assertTrue(e.getMessage().contains("100 rows") && e.getMessage().contains("384"), e.getMessage());
        assertEquals(384, ErtMmdConfig.minReferenceRows(2, 32));
        assertEquals(192, ClassDriftConfig.defaults().minReferenceRows(), "the per-class detectors follow the same rule");
        ReferenceSample ok = ReferenceSample.of(Streams.gaussian(new Rng(1), 800, 4));
        e = assertThrows(IllegalArgumentException.class, () -> ErtMmdConfig.builder(ok).expectedRunTime(1).build());
        assertTrue(e.getMessage().contains("got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ErtMmdConfig.builder(ok).bootstraps(999).build());
        assertTrue(e.getMessage().contains("5000") && e.getMessage().contains("999"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ErtMmdConfig.builder(ok).bandwidth(-2).build());
        assertTrue(e.getMessage().contains("-2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ErtMmdConfig.builder(ok).stratifyByClass(true).build());
        assertTrue(e.getMessage().contains("no labels"), e.getMessage());
        float[][] rows = Streams.gaussian(new Rng(1), 10, 4);
        rows[3][2] = Float.POSITIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> ReferenceSample.of(rows));
        assertTrue(e.getMessage().contains("row 3"), e.getMessage());
        ErtMmdConfig c = ErtMmdConfig.builder(ok).rowsPerStep(16).bootstraps(5000).build();
        assertEquals(500, c.expectedRunTime());
        assertEquals(2, c.windowSteps());
        assertFalse(c.stratifyByClass());
        assertTrue(c.bandwidth().isEmpty());
        ErtMmdState foreign = ErtMmdDetector.calibrate(ErtMmdConfig.builder(ok).rowsPerStep(16).expectedRunTime(20)
                .bootstraps(200).build()).state();
        e = assertThrows(IllegalArgumentException.class, () -> ErtMmdDetector.restore(c, foreign));
        assertTrue(e.getMessage().contains("another configuration"), e.getMessage());
    }
}
