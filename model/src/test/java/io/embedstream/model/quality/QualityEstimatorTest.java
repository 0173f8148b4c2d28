package io.embedstream.model.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.Degradation;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class QualityEstimatorTest {
    private final QualityEstimator estimator = QualityEstimator.defaults();

    @Test
    void degenerateImagesGiveFiniteScoresInTheUnitInterval() {
        byte[] black = new byte[28 * 28];
        byte[] white = filled(28 * 28, 255);
        byte[] grey = filled(28 * 28, 128);
        QualityReport blackReport = check(estimator.estimate(black, 28, 28, 1));
        QualityReport whiteReport = check(estimator.estimate(white, 28, 28, 1));
        QualityReport greyReport = check(estimator.estimate(grey, 28, 28, 1));
        // Nothing to see: all-black and all-white are fully clipped, flat grey has no contrast.
        assertEquals(1.0, blackReport.exposureError(), 1e-12);
        assertEquals(1.0, whiteReport.exposureError(), 1e-12);
        assertEquals(0.0, blackReport.q());
        assertEquals(0.0, whiteReport.q());
        assertEquals(0.0, greyReport.q());
        assertEquals(0.0, greyReport.rmsContrast());

        check(estimator.estimate(new byte[] {(byte) 200}, 1, 1, 1));
        check(estimator.estimate(new byte[] {1, 2, 3}, 1, 1, 3));
        check(estimator.estimate(new byte[] {0, (byte) 255, 0, (byte) 255}, 2, 2, 1));
        check(estimator.estimate(filled(3 * 17, 90), 17, 1, 3));
        check(estimator.estimate(filled(40, 0), 1, 40, 1));
        byte[] ramp = new byte[64 * 64];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (byte) (i % 64 * 4);
        }
        check(estimator.estimate(ramp, 64, 64, 1));
        byte[] noise = new byte[224 * 224 * 3];
        new Random(1).nextBytes(noise);
        check(estimator.estimate(noise, 224, 224, 3));
    }

    @Test
    void cleanSyntheticShapesScoreNearOne() {
        List<LabeledImage> images = SyntheticShapes.builder().seed(77).build().generate(200);
        double mean = images.stream().mapToDouble(im -> check(estimator.estimate(im)).q()).average().orElseThrow();
        assertTrue(mean > 0.97, "mean q of clean shapes " + mean);
    }

    @Test
    void rgbIsScoredOnItsLuminance() {
        LabeledImage gray = SyntheticShapes.builder().seed(4).build().image(3);
        byte[] rgb = new byte[gray.pixels().length * 3];
        for (int i = 0; i < gray.pixels().length; i++) {
            Arrays.fill(rgb, 3 * i, 3 * i + 3, gray.pixels()[i]);
        }
        assertEquals(estimator.estimate(gray), estimator.estimate(rgb, 28, 28, 3));
        LabeledImage colour = SyntheticShapes.builder().channels(3).size(64, 48).seed(4).build().image(1);
        QualityReport clean = check(estimator.estimate(colour));
        QualityReport noisy = check(estimator.estimate(Degradation.NOISE.apply(colour, 1.0, new Random(3))));
        assertTrue(noisy.q() < clean.q(), "noise must lower q on RGB: " + clean.q() + " -> " + noisy.q());
    }

    @Test
    void eachDegradationLowersItsOwnSubScore() {
        LabeledImage im = SyntheticShapes.builder().seed(6).build().image(0);
        Random rng = new Random(2);
        QualityReport clean = estimator.estimate(im);
        assertTrue(estimator.estimate(Degradation.BLUR.apply(im, 1, rng)).blurScore() < clean.blurScore());
        assertTrue(estimator.estimate(Degradation.DOWNSCALE.apply(im, 1, rng)).blurScore() < clean.blurScore());
        assertTrue(estimator.estimate(Degradation.NOISE.apply(im, 1, rng)).noiseScore() < clean.noiseScore());
        assertTrue(estimator.estimate(Degradation.LOW_CONTRAST.apply(im, 1, rng)).contrastScore()
                < clean.contrastScore());
        QualityReport jpeg = estimator.estimate(Degradation.JPEG.apply(im, 1, rng));
        assertTrue(jpeg.blockiness() > clean.blockiness());
        assertEquals(Degradation.jpegQuality(1), jpeg.jpegQuality(), 1.0, "quality factor of the JDK encoder");
        assertTrue(jpeg.jpegScore() < clean.jpegScore());
        assertEquals(1.0, clean.jpegScore());
    }

    @Test
    void exposureDoesNotPenaliseDarkBackgroundsButDoesPenaliseDarkImages() {
        byte[] digitLike = new byte[28 * 28];
        for (int y = 8; y < 20; y++) {
            for (int x = 12; x < 16; x++) {
                digitLike[y * 28 + x] = (byte) 255;
            }
        }
        QualityReport digit = estimator.estimate(digitLike, 28, 28, 1);
        assertTrue(digit.lowClipFraction() > 0.9, "mostly black by construction");
        assertEquals(0.0, digit.exposureError(), 1e-12);
        assertEquals(1.0, digit.exposureScore());
        byte[] underExposed = new byte[28 * 28];
        for (int y = 8; y < 20; y++) {
            for (int x = 12; x < 16; x++) {
                underExposed[y * 28 + x] = (byte) 40;
            }
        }
        QualityReport dark = estimator.estimate(underExposed, 28, 28, 1);
        assertTrue(dark.exposureScore() < 0.3, "exposure score of a dim image " + dark.exposureScore());
    }

    @Test
    void isThreadSafe() throws Exception {
        List<LabeledImage> images = SyntheticShapes.builder().seed(8).build().generate(64);
        List<LabeledImage> big = SyntheticShapes.builder().channels(3).size(96, 96).seed(8).build().generate(16);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<QualityReport>> futures = new java.util.ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (LabeledImage im : images) {
                    futures.add(pool.submit(() -> estimator.estimate(im)));
                }
                for (LabeledImage im : big) {
                    futures.add(pool.submit(() -> estimator.estimate(im)));
                }
            }
            int k = 0;
            for (int round = 0; round < 4; round++) {
                for (LabeledImage im : images) {
                    assertEquals(QualityEstimator.defaults().estimate(im), futures.get(k++).get());
                }
                for (LabeledImage im : big) {
                    assertEquals(QualityEstimator.defaults().estimate(im), futures.get(k++).get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void referencePointsAreConfigurable() {
        LabeledImage im = Degradation.BLUR.apply(SyntheticShapes.builder().seed(3).build().image(0), 1.0,
                new Random(1));
        double strict = QualityEstimator.builder().edgeWidth(1.0, 3.0).build().estimate(im).blurScore();
        double lenient = QualityEstimator.builder().edgeWidth(10.0, 20.0).build().estimate(im).blurScore();
        assertTrue(strict < lenient, strict + " vs " + lenient);
        assertEquals(1.0, lenient);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> estimator.estimate(new byte[10], 3, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> estimator.estimate(new byte[0], 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> estimator.estimate(new byte[8], 2, 2, 2));
        assertThrows(NullPointerException.class, () -> estimator.estimate((LabeledImage) null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QualityEstimator.builder().noise(10, 5));
        assertTrue(e.getMessage().contains("noise"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QualityEstimator.builder().contrast(0.1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> QualityEstimator.builder().edgeWidthSizeExponents(0.5, 1.5));
    }

    private static QualityReport check(QualityReport r) {
        for (RecordComponent c : QualityReport.class.getRecordComponents()) {
            try {
                double v = (double) c.getAccessor().invoke(r);
                assertTrue(Double.isFinite(v), c.getName() + " is " + v);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        assertTrue(r.q() >= 0 && r.q() <= 1, "q = " + r.q());
        return r;
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
