package io.embedstream.model.data.photo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.types.LabeledImage;
import io.embedstream.types.Resampler;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhotoObjectsTest {

    @Test
    void classesAreAllCombinationsOfShapeColourAndPatternAndTheFirstHundredUseEveryFactor() {
        assertEquals(360, PhotoClass.COUNT);
        Set<PhotoClass> seen = new HashSet<>();
        for (int k = 0; k < PhotoClass.COUNT; k++) {
            assertTrue(seen.add(PhotoClass.of(k)), "class " + k + " repeats " + PhotoClass.of(k));
        }
        EnumSet<ObjectShape> shapes = EnumSet.noneOf(ObjectShape.class);
        EnumSet<ObjectColour> colours = EnumSet.noneOf(ObjectColour.class);
        EnumSet<SurfacePattern> patterns = EnumSet.noneOf(SurfacePattern.class);
        for (int k = 0; k < 100; k++) {
            shapes.add(PhotoClass.of(k).shape());
            colours.add(PhotoClass.of(k).colour());
            patterns.add(PhotoClass.of(k).pattern());
        }
        assertEquals(EnumSet.allOf(ObjectShape.class), shapes);
        assertEquals(EnumSet.allOf(ObjectColour.class), colours);
        assertEquals(EnumSet.allOf(SurfacePattern.class), patterns);
        assertThrows(IllegalArgumentException.class, () -> PhotoClass.of(360));
    }

    @Test
    void labelsRunRoundRobinOverTheConfiguredClassCount() {
        PhotoObjects gen = PhotoObjects.builder().numClasses(120).size(32, 32).build();
        assertEquals(120, gen.numClasses());
        List<LabeledImage> images = gen.images(115, 10);
        for (int i = 0; i < images.size(); i++) {
            assertEquals((115 + i) % 120, images.get(i).label());
        }
    }

    @Test
    void sameSeedGivesTheSameImagesInAnyOrderAndAnotherSeedOthers() {
        PhotoObjects a = PhotoObjects.builder().seed(7).build();
        PhotoObjects b = PhotoObjects.builder().seed(7).build();
        PhotoObjects other = PhotoObjects.builder().seed(8).build();
        LabeledImage late = a.image(33);
        List<LabeledImage> run = b.images(30, 5);
        assertArrayEquals(late.pixels(), run.get(3).pixels());
        assertEquals("photos-7-33", run.get(3).id());
        assertFalse(Arrays.equals(late.pixels(), other.image(33).pixels()));
        // Two images of one class differ: the pose, backdrop and light are drawn per image.
        assertFalse(Arrays.equals(a.image(0).pixels(), a.image(120).pixels()));
    }

    @ParameterizedTest
    @CsvSource({"28, 28", "64, 64", "96, 64", "224, 224"})
    void generatesAnySizeInRgb(int width, int height) {
        LabeledImage im = PhotoObjects.builder().size(width, height).build().image(5);
        assertEquals(width, im.width());
        assertEquals(height, im.height());
        assertEquals(3, im.channels());
        assertEquals(width * height * 3, im.pixels().length);
        // Not blank or flat: a textured, lit scene has hundreds of distinct colours even at 28x28.
        Set<Integer> colours = new HashSet<>();
        for (int i = 0; i < width * height; i++) {
            colours.add(im.pixel(i % width, i / width, 0) << 16 | im.pixel(i % width, i / width, 1) << 8
                    | im.pixel(i % width, i / width, 2));
        }
        assertTrue(colours.size() > 200, colours.size() + " distinct colours");
    }

    @Test
    void refusesSizesAndClassCountsOutOfRangeWithTheRange() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PhotoObjects.builder().size(8, 64))
                .getMessage().contains("[16, 1024]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PhotoObjects.builder().numClasses(361))
                .getMessage().contains("[2, 360]"));
    }

    /**
     * Distinguishable, but not trivially: a nearest-centroid classifier on raw 16x16 pixels (what one could do
     * without learning anything) must beat chance by a wide margin, since each class has its own colour, and stay
     * far from perfect, since pose, backdrop and light vary. Measured: 7.6% here (chance 1%); 6.2% at 120 classes.
     */
    @Test
    void rawPixelNearestCentroidIsWellAboveChanceAndFarFromPerfect() {
        int classes = 100;
        int size = 32;
        int small = 16;
        PhotoObjects gen = PhotoObjects.builder().numClasses(classes).size(size, size).seed(3).build();
        List<LabeledImage> train = gen.images(0, 15 * classes);
        List<LabeledImage> test = gen.images(15 * classes, 5 * classes);
        int dims = small * small * 3;
        double[][] centroids = new double[classes][dims];
        for (LabeledImage im : train) {
            double[] f = Resampler.areaAverage(im.pixels(), size, size, 3, small, small);
            for (int i = 0; i < dims; i++) {
                centroids[im.label()][i] += f[i] / 15;
            }
        }
        int correct = 0;
        for (LabeledImage im : test) {
            double[] f = Resampler.areaAverage(im.pixels(), size, size, 3, small, small);
            int best = -1;
            double bestDistance = Double.MAX_VALUE;
            for (int k = 0; k < classes; k++) {
                double d = 0;
                for (int i = 0; i < dims; i++) {
                    d += (f[i] - centroids[k][i]) * (f[i] - centroids[k][i]);
                }
                if (d < bestDistance) {
                    bestDistance = d;
                    best = k;
                }
            }
            correct += best == im.label() ? 1 : 0;
        }
        double accuracy = correct / (double) test.size();
        System.out.printf("nearest centroid on raw 16x16 pixels, %d classes: %.3f (chance %.3f)%n", classes,
                accuracy, 1.0 / classes);
        assertTrue(accuracy >= 3.0 / classes, "accuracy " + accuracy + " is not well above chance");
        assertTrue(accuracy <= 0.5, "accuracy " + accuracy + ": raw pixels nearly solve the set");
    }
}
