package io.embedstream.model.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.Degradation;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JpegQuantizationTest {
    private final JpegQuantization.Workspace workspace = new JpegQuantization.Workspace();

    private int estimate(LabeledImage im) {
        int[] lum = new int[im.width() * im.height()];
        for (int i = 0; i < lum.length; i++) {
            lum[i] = im.pixels()[i] & 0xFF;
        }
        return JpegQuantization.estimateQuality(lum, im.width(), im.height(), workspace);
    }

    /**
     * The JDK's encoder scales the IJG table by a continuous factor (0.5 / quality below 50%) where libjpeg uses
     * the integer quality, so the integer found may differ from the JDK's quality by a little.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.3, 0.5, 0.8, 1.0})
    void findsTheQualityTheJdkEncoderUsed(double severity) {
        List<LabeledImage> shapes = SyntheticShapes.builder().size(64, 64).seed(21).build().generate(20);
        double used = Degradation.jpegQuality(severity);
        double tolerance = Math.max(1.5, 0.15 * used);
        int close = 0;
        for (LabeledImage im : shapes) {
            int found = estimate(Degradation.JPEG.apply(im, severity, new Random(1)));
            if (found == JpegQuantization.NONE) {
                continue;
            }
            assertTrue(Math.abs(found - used) <= tolerance,
                    "found quality " + found + " for an image compressed at " + used);
            close++;
        }
        assertTrue(close >= 16, "quality found for " + close + " of 20 images compressed at " + used);
    }

    @Test
    void neverFiresOnImagesThatWereNotCompressed() {
        List<LabeledImage> shapes = SyntheticShapes.builder().seed(22).build().generate(100);
        Random rng = new Random(3);
        int fired = 0;
        for (LabeledImage im : shapes) {
            for (Degradation d : new Degradation[] {Degradation.BLUR, Degradation.NOISE, Degradation.LOW_CONTRAST}) {
                if (estimate(d.apply(im, 0.5, rng)) != JpegQuantization.NONE) {
                    fired++;
                }
            }
            if (estimate(im) != JpegQuantization.NONE) {
                fired++;
            }
        }
        assertTrue(fired <= 2, "fired on " + fired + " of 400 uncompressed images");
    }

    @Test
    void imagesWithoutAWholeBlockGiveNone() {
        LabeledImage shape = SyntheticShapes.builder().size(30, 30).seed(1).build().image(0);
        byte[] narrow = new byte[7 * 30];
        for (int y = 0; y < 30; y++) {
            System.arraycopy(shape.pixels(), y * 30, narrow, y * 7, 7);
        }
        LabeledImage tiny = new LabeledImage("narrow", 0, 7, 30, 1, narrow);
        assertEquals(JpegQuantization.NONE, estimate(Degradation.JPEG.apply(tiny, 1.0, new Random(1))));
    }

    @Test
    void findsTheQualityOnALargeImageFromASampleOfItsBlocks() {
        LabeledImage large = SyntheticShapes.builder().size(224, 224).seed(5).build().image(2);
        int found = estimate(Degradation.JPEG.apply(large, 0.3, new Random(1)));
        assertTrue(Math.abs(found - Degradation.jpegQuality(0.3)) <= 2.5, "found " + found);
    }
}
