package io.embedstream.model.data;

import io.embedstream.types.LabeledImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticShapesTest {

    @Test
    void sameSeedGivesIdenticalImagesAndOtherSeedDiffers() {
        List<LabeledImage> a = SyntheticShapes.builder().seed(7).build().generate(50);
        List<LabeledImage> b = SyntheticShapes.builder().seed(7).build().generate(50);
        List<LabeledImage> c = SyntheticShapes.builder().seed(8).build().generate(50);
        int differing = 0;
        for (int i = 0; i < 50; i++) {
            assertEquals(a.get(i).id(), b.get(i).id());
            assertEquals(a.get(i).label(), b.get(i).label());
            assertArrayEquals(a.get(i).pixels(), b.get(i).pixels(), "image " + i);
            if (!Arrays.equals(a.get(i).pixels(), c.get(i).pixels())) {
                differing++;
            }
        }
        assertEquals(50, differing, "another seed must give other images");
    }

    @Test
    void randomAccessMatchesSequentialGeneration() {
        SyntheticShapes gen = SyntheticShapes.builder().seed(3).build();
        List<LabeledImage> seq = gen.generate(25);
        LabeledImage next = gen.next();
        SyntheticShapes other = SyntheticShapes.builder().seed(3).build();
        assertArrayEquals(seq.get(17).pixels(), other.image(17).pixels());
        assertArrayEquals(next.pixels(), other.image(25).pixels());
        assertEquals("synthetic-3-25", next.id());
    }

    @Test
    void labelsAreClassBalancedRoundRobin() {
        List<LabeledImage> images = SyntheticShapes.builder().build().generate(1000);
        int[] counts = new int[10];
        for (int i = 0; i < images.size(); i++) {
            assertEquals(i % 10, images.get(i).label());
            counts[images.get(i).label()]++;
        }
        for (int c : counts) {
            assertEquals(100, c);
        }
        List<LabeledImage> four = SyntheticShapes.builder().numClasses(4).build().generate(40);
        assertTrue(four.stream().allMatch(im -> im.label() >= 0 && im.label() < 4));
    }

    @Test
    void grayImagesUseTheRangeAndAreNeverBlank() {
        for (LabeledImage im : SyntheticShapes.builder().seed(11).build().generate(300)) {
            assertEquals(28, im.width());
            assertEquals(28, im.height());
            assertEquals(1, im.channels());
            int min = 255;
            int max = 0;
            int bright = 0;
            for (byte p : im.pixels()) {
                int v = p & 0xFF;
                min = Math.min(min, v);
                max = Math.max(max, v);
                if (v >= 128) {
                    bright++;
                }
            }
            assertTrue(min <= 40, im.id() + " background too bright: " + min);
            assertTrue(max >= 190, im.id() + " shape too dark: " + max);
            // A shape covers a real part of the image but not all of it.
            assertTrue(bright >= 20 && bright <= 28 * 28 * 0.8, im.id() + " has " + bright + " bright pixels");
        }
    }

    @Test
    void antiAliasingProducesIntermediateGreyLevels() {
        LabeledImage im = SyntheticShapes.builder().seed(5).build().image(0); // a disc
        long distinct = Arrays.asList(box(im.pixels())).stream().distinct().count();
        assertTrue(distinct > 10, "anti-aliased edges should give many grey levels, got " + distinct);
    }

    @Test
    void rgbImagesHaveVisibleColouredShapes() {
        for (LabeledImage im : SyntheticShapes.builder().channels(3).size(32, 24).seed(2).build().generate(30)) {
            assertEquals(3, im.channels());
            assertEquals(32 * 24 * 3, im.pixels().length);
            double minLuma = 255;
            double maxLuma = 0;
            for (int i = 0; i < 32 * 24; i++) {
                double y = 0.299 * (im.pixels()[3 * i] & 0xFF) + 0.587 * (im.pixels()[3 * i + 1] & 0xFF)
                        + 0.114 * (im.pixels()[3 * i + 2] & 0xFF);
                minLuma = Math.min(minLuma, y);
                maxLuma = Math.max(maxLuma, y);
            }
            assertTrue(maxLuma - minLuma >= 90, im.id() + " luminance span " + (maxLuma - minLuma));
        }
    }

    @Test
    void classesAreDistinguishableByANearestTemplateClassifier() {
        // A weak baseline: nearest class-mean image on raw pixels. Well above chance (10%) means the classes
        // differ in a way a small CNN can learn; shapes drawn alike would sit near chance.
        List<LabeledImage> train = SyntheticShapes.builder().seed(1).build().generate(2000);
        List<LabeledImage> test = SyntheticShapes.builder().seed(2).build().generate(500);
        double[][] mean = new double[10][28 * 28];
        for (LabeledImage im : train) {
            for (int i = 0; i < 28 * 28; i++) {
                mean[im.label()][i] += (im.pixels()[i] & 0xFF) / 200.0;
            }
        }
        int correct = 0;
        for (LabeledImage im : test) {
            int best = -1;
            double bestDistance = Double.MAX_VALUE;
            for (int c = 0; c < 10; c++) {
                double d = 0;
                for (int i = 0; i < 28 * 28; i++) {
                    double diff = (im.pixels()[i] & 0xFF) - mean[c][i];
                    d += diff * diff;
                }
                if (d < bestDistance) {
                    bestDistance = d;
                    best = c;
                }
            }
            if (best == im.label()) {
                correct++;
            }
        }
        assertTrue(correct / 500.0 > 0.3, "nearest-template accuracy " + correct / 500.0);
    }

    @Test
    void generatesTenThousandImagesQuickly() {
        SyntheticShapes gen = SyntheticShapes.builder().seed(9).build();
        gen.generate(500); // warm-up
        long start = System.nanoTime();
        List<LabeledImage> images = gen.generate(10_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(10_000, images.size());
        // Typically well under a second; the bound leaves room for a shared, loaded machine.
        assertTrue(seconds < 5.0, "10,000 images took " + seconds + " s");
    }

    @Test
    void rejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.builder().numClasses(1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.builder().numClasses(11));
        assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.builder().channels(2));
        assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.builder().size(4, 28));
        assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.builder().build().generate(-1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.builder().build().image(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticShapes.builder().numClasses(0));
        assertTrue(e.getMessage().contains("[2, 10]"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    private static Integer[] box(byte[] pixels) {
        Integer[] out = new Integer[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = pixels[i] & 0xFF;
        }
        return out;
    }
}
