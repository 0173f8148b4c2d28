package io.embedstream.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.photo.PhotoObjects;
import io.embedstream.types.LabeledImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every degradation on the photo-like RGB images: each channel is changed as the degradation promises. */
class RgbDegradationTest {
    private static final int SIZE = 64;
    private static final List<LabeledImage> PHOTOS = PhotoObjects.builder().size(SIZE, SIZE).seed(11).build()
            .images(0, 8);

    @ParameterizedTest
    @EnumSource(Degradation.class)
    void changeGrowsWithSeverityAndKeepsShapeIdAndLabel(Degradation d) {
        double previous = 0;
        for (double severity : new double[] {0.25, 0.5, 1.0}) {
            double change = 0;
            Random rng = new Random(4);
            for (LabeledImage clean : PHOTOS) {
                LabeledImage out = d.apply(clean, severity, rng);
                assertEquals(clean.id(), out.id());
                assertEquals(clean.label(), out.label());
                assertEquals(3, out.channels());
                assertEquals(clean.pixels().length, out.pixels().length);
                change += meanAbsDifference(clean, out, -1) / PHOTOS.size();
            }
            assertTrue(change > previous, d + " at " + severity + ": change " + change + " <= " + previous);
            previous = change;
        }
        assertSame(PHOTOS.get(0), d.apply(PHOTOS.get(0), 0.0, new Random(1)));
    }

    @ParameterizedTest
    @EnumSource(Degradation.class)
    void everyChannelChangesAndKeepsItsMeanColour(Degradation d) {
        Random rng = new Random(9);
        for (LabeledImage clean : PHOTOS) {
            // Severity 0.5: at 1.0 the JPEG round trip (quality 5, chroma subsampled) does shift dark saturated colours.
            LabeledImage out = d.apply(clean, 0.5, rng);
            for (int c = 0; c < 3; c++) {
                assertTrue(meanAbsDifference(clean, out, c) > 0.5, d + " left channel " + c + " of " + clean.id()
                        + " almost unchanged");
                // The colour of the scene survives: a degradation loses detail, it does not recolour.
                assertEquals(mean(clean, c), mean(out, c), 8.0, d + " shifted the mean of channel " + c);
            }
        }
    }

    @Test
    void blurAndDownscaleRemoveFineDetailInEveryChannel() {
        for (Degradation d : List.of(Degradation.BLUR, Degradation.DOWNSCALE)) {
            for (LabeledImage clean : PHOTOS) {
                LabeledImage out = d.apply(clean, 1.0, new Random(1));
                for (int c = 0; c < 3; c++) {
                    assertTrue(detail(out, c) < 0.5 * detail(clean, c), d + " channel " + c + ": detail "
                            + detail(out, c) + " vs clean " + detail(clean, c));
                }
            }
        }
    }

    @Test
    void lowContrastScalesEachChannelsSpreadByTheDocumentedFactor() {
        double factor = 1 - Degradation.CONTRAST_MAX_REDUCTION * 0.6;
        for (LabeledImage clean : PHOTOS) {
            LabeledImage out = Degradation.LOW_CONTRAST.apply(clean, 0.6, new Random(1));
            for (int c = 0; c < 3; c++) {
                assertEquals(factor, spread(out, c) / spread(clean, c), 0.02, "channel " + c);
            }
        }
    }

    @Test
    void noiseHasTheDocumentedSpreadInEveryChannel() {
        double sigma = Degradation.NOISE_MAX_SIGMA * 0.5;
        LabeledImage clean = PHOTOS.get(2);
        LabeledImage out = Degradation.NOISE.apply(clean, 0.5, new Random(3));
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double squares = 0;
            int n = SIZE * SIZE;
            for (int i = 0; i < n; i++) {
                int diff = out.pixel(i % SIZE, i / SIZE, c) - clean.pixel(i % SIZE, i / SIZE, c);
                sum += diff;
                squares += diff * diff;
            }
            double std = Math.sqrt(squares / n - (sum / n) * (sum / n));
            // Clipping at 0 and 255 can only shrink it.
            assertTrue(std > 0.8 * sigma && std < 1.05 * sigma, "channel " + c + ": noise std " + std);
        }
    }

    private static double meanAbsDifference(LabeledImage a, LabeledImage b, int channel) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            if (channel < 0 || i % 3 == channel) {
                sum += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
                n++;
            }
        }
        return sum / n;
    }

    private static double mean(LabeledImage im, int c) {
        double sum = 0;
        for (int i = c; i < im.pixels().length; i += 3) {
            sum += im.pixels()[i] & 0xFF;
        }
        return sum / (im.pixels().length / 3.0);
    }

    private static double spread(LabeledImage im, int c) {
        double m = mean(im, c);
        double sum = 0;
        for (int i = c; i < im.pixels().length; i += 3) {
            double d = (im.pixels()[i] & 0xFF) - m;
            sum += d * d;
        }
        return Math.sqrt(sum / (im.pixels().length / 3.0));
    }

    /**
     * Mean absolute horizontal second difference: the fine detail that blurring and downscaling take away. (A first
     * difference would also count the lighting's smooth gradients, which both keep.)
     */
    private static double detail(LabeledImage im, int c) {
        double sum = 0;
        for (int y = 0; y < im.height(); y++) {
            for (int x = 1; x < im.width() - 1; x++) {
                sum += Math.abs(2 * im.pixel(x, y, c) - im.pixel(x - 1, y, c) - im.pixel(x + 1, y, c));
            }
        }
        return sum / (im.height() * (im.width() - 2));
    }
}
