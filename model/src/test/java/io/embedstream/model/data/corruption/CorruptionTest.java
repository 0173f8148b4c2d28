package io.embedstream.model.data.corruption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.types.LabeledImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CorruptionTest {
    private static final List<LabeledImage> GREY = SyntheticShapes.builder().seed(21).build().generate(24);
    /** Not square and not a multiple of the block sizes, to catch a swapped width and height or an edge overrun. */
    private static final List<LabeledImage> RGB = SyntheticShapes.builder().seed(22).size(37, 26).channels(3).build()
            .generate(24);

    @ParameterizedTest
    @EnumSource(Corruption.class)
    void eachLevelMovesTheImageFurtherFromTheCleanOne(Corruption kind) {
        for (List<LabeledImage> images : List.of(GREY, RGB)) {
            double[] distance = new double[Corruption.LEVELS + 1];
            for (int level = 1; level <= Corruption.LEVELS; level++) {
                List<LabeledImage> corrupted = kind.apply(images, level, 5);
                for (int i = 0; i < images.size(); i++) {
                    distance[level] += meanAbsDifference(images.get(i), corrupted.get(i)) / images.size();
                }
            }
            String shape = images.get(0).width() + "x" + images.get(0).height() + "x" + images.get(0).channels();
            assertTrue(distance[1] > 1.0, kind + " on " + shape + ": level 1 changes the images by only "
                    + distance[1] + " grey levels on average");
            for (int level = 2; level <= Corruption.LEVELS; level++) {
                assertTrue(distance[level] > distance[level - 1], kind + " on " + shape + ": mean |difference| at"
                        + " level " + level + " is " + distance[level] + ", not above " + distance[level - 1]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Corruption.class)
    void keepsIdLabelAndShapeAndIsAPureFunctionOfTheSeed(Corruption kind) {
        for (List<LabeledImage> images : List.of(GREY, RGB)) {
            for (int level = 1; level <= Corruption.LEVELS; level++) {
                List<LabeledImage> a = kind.apply(images, level, 9);
                List<LabeledImage> b = kind.apply(images, level, 9);
                for (int i = 0; i < images.size(); i++) {
                    LabeledImage clean = images.get(i);
                    LabeledImage c = a.get(i);
                    assertEquals(List.of(clean.id(), clean.label(), clean.width(), clean.height(), clean.channels()),
                            List.of(c.id(), c.label(), c.width(), c.height(), c.channels()));
                    assertEquals(clean.pixels().length, c.pixels().length);
                    assertArrayEquals(c.pixels(), b.get(i).pixels(), kind + " level " + level + " image " + i);
                }
            }
        }
    }

    @Test
    void theRandomKindsDrawFromTheSeed() {
        for (Corruption kind : List.of(Corruption.ROTATE, Corruption.SALT_PEPPER, Corruption.OCCLUSION)) {
            List<LabeledImage> a = kind.apply(GREY, 2, 1);
            List<LabeledImage> b = kind.apply(GREY, 2, 2);
            long differing = java.util.stream.IntStream.range(0, GREY.size())
                    .filter(i -> !Arrays.equals(a.get(i).pixels(), b.get(i).pixels())).count();
            assertTrue(differing >= GREY.size() / 4, kind + ": another seed changed only " + differing + " images");
        }
    }

    @Test
    void rotationByAQuarterTurnMovesEveryPixelExactly() {
        // On an odd square grid the centre is a pixel and a quarter turn maps pixels onto pixels: no interpolation.
        int n = 5;
        int ch = 3;
        byte[] src = new byte[n * n * ch];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 7);
        }
        byte[] out = CorruptionOps.rotate(src, n, n, ch, Math.PI / 2);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                // Output (x, y) samples the input at the inverse rotation of its offset from the centre (2, 2).
                int sx = 2 + (y - 2);
                int sy = 2 - (x - 2);
                for (int c = 0; c < ch; c++) {
                    assertEquals(src[(sy * n + sx) * ch + c], out[(y * n + x) * ch + c], "pixel " + x + "," + y);
                }
            }
        }
    }

    @Test
    void saltAndPepperSetsTheLevelsShareOfPixelsToBlackOrWhite() {
        LabeledImage grey = uniform(64, 48, 3, 100);
        for (int level = 1; level <= Corruption.LEVELS; level++) {
            byte[] out = Corruption.SALT_PEPPER.apply(grey, level, 3).pixels();
            int changed = 0;
            int black = 0;
            for (int p = 0; p < 64 * 48; p++) {
                int v = out[p * 3] & 0xFF;
                assertTrue(v == 100 || v == 0 || v == 255, "pixel " + p + " became " + v);
                assertTrue(v == (out[p * 3 + 1] & 0xFF) && v == (out[p * 3 + 2] & 0xFF), "channels of pixel " + p);
                changed += v != 100 ? 1 : 0;
                black += v == 0 ? 1 : 0;
            }
            double share = Corruption.SALT_PEPPER.parameter(level);
            double expected = share * 64 * 48;
            double sd = Math.sqrt(expected * (1 - share));
            assertTrue(Math.abs(changed - expected) < 4 * sd, "level " + level + ": " + changed + " pixels changed,"
                    + " expected about " + expected);
            assertTrue(Math.abs(black - changed / 2.0) < 4 * Math.sqrt(changed / 4.0), black + " of " + changed + " black");
        }
    }

    @Test
    void occlusionIsOneGreyBoxOfTheLevelsSideInsideTheImage() {
        LabeledImage black = uniform(40, 20, 1, 0);
        for (int level = 1; level <= Corruption.LEVELS; level++) {
            for (long seed = 0; seed < 20; seed++) {
                byte[] out = Corruption.OCCLUSION.apply(black, level, seed).pixels();
                int minX = 40, maxX = -1, minY = 20, maxY = -1, grey = 0;
                for (int y = 0; y < 20; y++) {
                    for (int x = 0; x < 40; x++) {
                        int v = out[y * 40 + x] & 0xFF;
                        assertTrue(v == 0 || v == 128, "value " + v);
                        if (v == 128) {
                            grey++;
                            minX = Math.min(minX, x);
                            maxX = Math.max(maxX, x);
                            minY = Math.min(minY, y);
                            maxY = Math.max(maxY, y);
                        }
                    }
                }
                double f = Corruption.OCCLUSION.parameter(level);
                int w = (int) Math.round(f * 40);
                int h = (int) Math.round(f * 20);
                assertEquals(List.of(w, h, w * h), List.of(maxX - minX + 1, maxY - minY + 1, grey),
                        "level " + level + " seed " + seed + ": one filled box of " + w + "x" + h);
            }
        }
    }

    @Test
    void pixelationIsConstantOnEachBlockAndTakesOneOfItsPixels() {
        LabeledImage im = RGB.get(0);
        int w = im.width();
        int h = im.height();
        for (int level = 1; level <= Corruption.LEVELS; level++) {
            int k = (int) Corruption.PIXELATE.parameter(level);
            byte[] out = Corruption.PIXELATE.apply(im, level, 0).pixels();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int bx = (x / k) * k;
                    int by = (y / k) * k;
                    for (int c = 0; c < 3; c++) {
                        byte v = out[(y * w + x) * 3 + c];
                        assertEquals(out[(by * w + bx) * 3 + c], v, "block of " + x + "," + y);
                    }
                }
            }
            // Each block's value is a pixel of that block in the clean image (point sampling, no averaging).
            for (int by = 0; by < h; by += k) {
                for (int bx = 0; bx < w; bx += k) {
                    boolean found = false;
                    for (int y = by; y < Math.min(h, by + k) && !found; y++) {
                        for (int x = bx; x < Math.min(w, bx + k) && !found; x++) {
                            found = Arrays.equals(Arrays.copyOfRange(im.pixels(), (y * w + x) * 3, (y * w + x) * 3 + 3),
                                    Arrays.copyOfRange(out, (by * w + bx) * 3, (by * w + bx) * 3 + 3));
                        }
                    }
                    assertTrue(found, "block at " + bx + "," + by + " level " + level);
                }
            }
        }
    }

    @Test
    void gammaKeepsBlackAndWhiteAndBrightensEveryMidTone() {
        byte[] ramp = new byte[256];
        for (int v = 0; v < 256; v++) {
            ramp[v] = (byte) v;
        }
        LabeledImage im = new LabeledImage("ramp", 0, 16, 16, 1, ramp);
        for (int level = 1; level <= Corruption.LEVELS; level++) {
            byte[] out = Corruption.GAMMA.apply(im, level, 0).pixels();
            assertEquals(0, out[0] & 0xFF);
            assertEquals(255, out[255] & 0xFF);
            for (int v = 1; v < 255; v++) {
                assertTrue((out[v] & 0xFF) >= v, "level " + level + ": " + v + " -> " + (out[v] & 0xFF));
                assertTrue((out[v] & 0xFF) >= (out[v - 1] & 0xFF), "monotone at " + v);
            }
            assertFalse(Arrays.equals(ramp, out));
        }
    }

    @Test
    void levelsOutsideOneToThreeAreRefused() {
        LabeledImage im = GREY.get(0);
        for (int bad : new int[] {0, 4, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Corruption.ROTATE.apply(im, bad, 1));
            assertTrue(e.getMessage().contains("level must be 1 to 3"), e.getMessage());
        }
    }

    static double meanAbsDifference(LabeledImage a, LabeledImage b) {
        byte[] x = a.pixels();
        byte[] y = b.pixels();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += Math.abs((x[i] & 0xFF) - (y[i] & 0xFF));
        }
        return sum / x.length;
    }

    private static LabeledImage uniform(int w, int h, int ch, int value) {
        byte[] p = new byte[w * h * ch];
        Arrays.fill(p, (byte) value);
        return new LabeledImage("uniform", 0, w, h, ch, p);
    }
}
