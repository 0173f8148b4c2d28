package io.embedstream.model.data;

import io.embedstream.types.LabeledImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class DegradationTest {
    private static final List<LabeledImage> CLEAN = SyntheticShapes.builder().seed(21).build().generate(20);

    @ParameterizedTest
    @EnumSource(Degradation.class)
    void severityZeroIsTheIdentity(Degradation d) {
        LabeledImage im = CLEAN.get(3);
        assertSame(im, d.apply(im, 0.0, new Random(1)));
    }

    @ParameterizedTest
    @EnumSource(Degradation.class)
    void differenceToCleanGrowsWithSeverity(Degradation d) {
        double[] severities = {0.0, 0.25, 0.5, 0.75, 1.0};
        double[] meanAbsDiff = new double[severities.length];
        Random rng = new Random(5);
        for (LabeledImage clean : CLEAN) {
            for (int k = 0; k < severities.length; k++) {
                meanAbsDiff[k] += meanAbsDifference(clean, d.apply(clean, severities[k], rng)) / CLEAN.size();
            }
        }
        assertEquals(0.0, meanAbsDiff[0]);
        for (int k = 1; k < severities.length; k++) {
            assertTrue(meanAbsDiff[k] > meanAbsDiff[k - 1], d + ": mean |difference| at severity " + severities[k]
                    + " is " + meanAbsDiff[k] + ", not above " + meanAbsDiff[k - 1] + " at " + severities[k - 1]);
        }
    }

    @ParameterizedTest
    @EnumSource(Degradation.class)
    void severityOneKeepsTheImageRecognisable(Degradation d) {
        // Recognisable-ish: the degraded image still correlates clearly with the clean one.
        double meanCorrelation = 0;
        Random rng = new Random(8);
        for (LabeledImage clean : CLEAN) {
            meanCorrelation += correlation(clean, d.apply(clean, 1.0, rng)) / CLEAN.size();
        }
        assertTrue(meanCorrelation > 0.6, d + ": mean correlation with the clean image " + meanCorrelation);
    }

    @ParameterizedTest
    @EnumSource(Degradation.class)
    void keepsIdLabelAndShapeAndWorksOnRgb(Degradation d) {
        LabeledImage rgb = SyntheticShapes.builder().channels(3).size(40, 30).seed(4).build().image(6);
        LabeledImage out = d.apply(rgb, 0.7, new Random(2));
        assertEquals(rgb.id(), out.id());
        assertEquals(rgb.label(), out.label());
        assertEquals(40, out.width());
        assertEquals(30, out.height());
        assertEquals(3, out.channels());
        assertTrue(meanAbsDifference(rgb, out) > 0, d + " left an RGB image unchanged");
    }

    @Test
    void rejectsSeverityOutsideTheUnitInterval() {
        LabeledImage im = CLEAN.get(0);
        for (double bad : new double[] {-0.01, 1.01, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Degradation.BLUR.apply(im, bad, new Random(1)));
            assertTrue(e.getMessage().contains("severity"), e.getMessage());
        }
    }

    @Test
    void noiseIsReproducibleForTheSameRandomSeed() {
        LabeledImage im = CLEAN.get(1);
        LabeledImage a = Degradation.NOISE.apply(im, 0.5, new Random(42));
        LabeledImage b = Degradation.NOISE.apply(im, 0.5, new Random(42));
        assertEquals(0.0, meanAbsDifference(a, b));
    }

    @Test
    void jpegQualityMapsGeometricallyFromFiftyToFive() {
        assertEquals(50.0, Degradation.jpegQuality(0.0), 1e-9);
        assertEquals(5.0, Degradation.jpegQuality(1.0), 1e-9);
        assertEquals(Math.sqrt(50.0 * 5.0), Degradation.jpegQuality(0.5), 1e-9);
    }

    @Test
    void blurStrengthScalesWithImageSize() {
        // The same severity should remove a similar share of detail at 28 and at 56 pixels: compare the drop in
        // mean absolute horizontal gradient, which is resolution-relative for the same drawn content.
        LabeledImage small = SyntheticShapes.builder().seed(30).build().image(0);
        LabeledImage large = SyntheticShapes.builder().seed(30).size(56, 56).build().image(0);
        double smallDrop = gradient(Degradation.BLUR.apply(small, 0.8, new Random(1))) / gradient(small);
        double largeDrop = gradient(Degradation.BLUR.apply(large, 0.8, new Random(1))) / gradient(large);
        assertEquals(smallDrop, largeDrop, 0.15, "relative gradient loss at 28 px vs 56 px");
    }

    static double meanAbsDifference(LabeledImage a, LabeledImage b) {
        double sum = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            sum += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
        }
        return sum / a.pixels().length;
    }

    private static double correlation(LabeledImage a, LabeledImage b) {
        int n = a.pixels().length;
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += (a.pixels()[i] & 0xFF);
            mb += (b.pixels()[i] & 0xFF);
        }
        ma /= n;
        mb /= n;
        double c = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < n; i++) {
            double x = (a.pixels()[i] & 0xFF) - ma;
            double y = (b.pixels()[i] & 0xFF) - mb;
            c += x * y;
            va += x * x;
            vb += y * y;
        }
        return c / Math.sqrt(va * vb);
    }

    private static double gradient(LabeledImage im) {
        double sum = 0;
        for (int y = 0; y < im.height(); y++) {
            for (int x = 1; x < im.width(); x++) {
                sum += Math.abs(im.pixel(x, y, 0) - im.pixel(x - 1, y, 0));
            }
        }
        // Per unit of image width, so that 28 and 56 pixel images compare.
        return sum / im.height();
    }
}
