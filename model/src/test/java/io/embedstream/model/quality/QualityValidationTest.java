package io.embedstream.model.quality;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.Degradation;
import io.embedstream.model.data.IdxReader;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.metrics.Spearman;
import io.embedstream.model.testing.SharedData;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checks that q tracks known degradations: rank correlation with severity on synthetic shapes, and ordered mean q
 * over severity levels on real MNIST digits. Prints the measured values for the record.
 */
class QualityValidationTest {
    private static final int LEVELS = 11;
    private static final int IMAGES_PER_LEVEL = 30;

    private final QualityEstimator estimator = QualityEstimator.defaults();

    @ParameterizedTest
    @EnumSource(Degradation.class)
    void qFallsWithSeverityOnSyntheticShapes(Degradation degradation) {
        assertSpearman(degradation, 28, -0.9);
    }

    private void assertSpearman(Degradation degradation, int side, double bound) {
        // 330 distinct images; image i gets severity level (i mod 11) / 10, so every level holds 30 shapes of
        // all classes and content varies within each level as much as between levels.
        List<LabeledImage> images = SyntheticShapes.builder().size(side, side).seed(7).build()
                .generate(LEVELS * IMAGES_PER_LEVEL);
        double[] severity = new double[images.size()];
        double[] q = new double[images.size()];
        Random rng = new Random(1);
        for (int i = 0; i < images.size(); i++) {
            severity[i] = (i % LEVELS) / (double) (LEVELS - 1);
            q[i] = estimator.estimate(degradation.apply(images.get(i), severity[i], rng)).q();
        }
        double rho = Spearman.correlation(q, severity).orElseThrow(() -> new AssertionError(degradation + " at "
                + side + "x" + side + ": q is constant over the severities, Spearman undefined"));
        System.out.printf(Locale.ROOT, "Spearman(q, severity) for %s on %dx%d synthetic shapes: %.3f%n", degradation,
                side, side, rho);
        assertTrue(rho <= bound, degradation + " at " + side + "x" + side + ": Spearman " + rho + " is not <= " + bound);
    }

    @Test
    void meanQIsOrderedBySeverityLevelOnMnist() throws IOException {
        List<LabeledImage> test = IdxReader.readDirectory(SharedData.mnist10k()).test().subList(0, 500);
        double[] levels = {0.0, 0.3, 0.6, 1.0};
        Degradation[] types = Degradation.values();
        double[] meanQ = new double[levels.length];
        Random rng = new Random(3);
        for (int i = 0; i < test.size(); i++) {
            // A mixture of all five types, each image degraded by one type at every level.
            Degradation d = types[i % types.length];
            for (int k = 0; k < levels.length; k++) {
                meanQ[k] += estimator.estimate(d.apply(test.get(i), levels[k], rng)).q() / test.size();
            }
        }
        System.out.printf(Locale.ROOT, "MNIST mean q at severity 0 / 0.3 / 0.6 / 1.0: %.4f / %.4f / %.4f / %.4f%n",
                meanQ[0], meanQ[1], meanQ[2], meanQ[3]);
        for (int k = 1; k < levels.length; k++) {
            assertTrue(meanQ[k] < meanQ[k - 1], "mean q at severity " + levels[k] + " (" + meanQ[k]
                    + ") is not below that at " + levels[k - 1] + " (" + meanQ[k - 1] + ")");
        }
        assertTrue(meanQ[0] > 0.95, "clean MNIST mean q " + meanQ[0]);
    }
}
