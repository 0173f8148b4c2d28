package io.embedstream.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Crop and stretch geometry against pixels worked out by hand, and the area/bilinear choice of resize. */
class FitModeTest {

    /** A {@code w x h} gray image whose pixel (x, y) is {@code x + 10 y}: every value says where it came from. */
    private static byte[] coordinates(int w, int h) {
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) (x + 10 * y);
            }
        }
        return out;
    }

    @Test
    void cropOfAWideImageKeepsTheCentredColumns() {
        // 6x2 to 2x2: the square region is 2 wide, starting at column (6 - 2) / 2 = 2.
        assertEquals(new FitMode.Region(2, 0, 2, 2), FitMode.CROP.region(6, 2, 2, 2));
        assertArrayEquals(new int[] {2, 3, 12, 13},
                unsigned(Resampler.fit(coordinates(6, 2), 6, 2, 1, 2, 2, FitMode.CROP)));
        // Stretch averages columns 0-2 and 3-5 instead: (0+1+2)/3 = 1, (3+4+5)/3 = 4.
        assertArrayEquals(new int[] {1, 4, 11, 14},
                unsigned(Resampler.fit(coordinates(6, 2), 6, 2, 1, 2, 2, FitMode.STRETCH)));
    }

    @Test
    void cropOfATallImageKeepsTheCentredRowsAndAnOddMarginFavoursTheEnd() {
        // 3x7 to 3x3: rows 2..4 ((7 - 3) / 2 = 2 rows above, 2 below).
        assertArrayEquals(new int[] {20, 21, 22, 30, 31, 32, 40, 41, 42},
                unsigned(Resampler.fit(coordinates(3, 7), 3, 7, 1, 3, 3, FitMode.CROP)));
        // 5x2 to 2x2: margin 3, offset rounded down: column 0 cut at the start, columns 3 and 4 at the end.
        assertArrayEquals(new int[] {1, 2, 11, 12},
                unsigned(Resampler.fit(coordinates(5, 2), 5, 2, 1, 2, 2, FitMode.CROP)));
    }

    @Test
    void cropThenScaleKeepsChannelsTogether() {
        // 4x2 RGB to 1x1: the centred 2x2 square (columns 1, 2), averaged per channel.
        byte[] rgb = new byte[4 * 2 * 3];
        for (int i = 0; i < 8; i++) {
            int x = i % 4;
            rgb[3 * i] = (byte) (x == 1 || x == 2 ? 100 : 0);
            rgb[3 * i + 1] = (byte) (x == 1 ? 40 : 0);
            rgb[3 * i + 2] = (byte) (x == 0 || x == 3 ? 255 : 8);
        }
        assertArrayEquals(new int[] {100, 20, 8}, unsigned(Resampler.fit(rgb, 4, 2, 3, 1, 1, FitMode.CROP)));
    }

    @Test
    void photoSizedRegions() {
        assertEquals(new FitMode.Region(200, 0, 600, 600), FitMode.CROP.region(1000, 600, 96, 96));
        assertEquals(new FitMode.Region(0, 100, 600, 400), FitMode.CROP.region(600, 600, 96, 64));
        assertEquals(new FitMode.Region(0, 0, 1000, 600), FitMode.STRETCH.region(1000, 600, 96, 96));
        assertEquals(new FitMode.Region(0, 0, 640, 480), FitMode.CROP.region(640, 480, 224, 168));
    }

    @Test
    void resizeAveragesAreasWhenShrinkingSoStripesDoNotAlias() {
        // 45 one-pixel columns alternating 0 and 255, to 5: each output covers 9 columns, 4 or 5 of them bright
        // (4 * 255 / 9 = 113.3, 5 * 255 / 9 = 141.7).
        byte[] stripes = new byte[45];
        for (int x = 1; x < 45; x += 2) {
            stripes[x] = (byte) 255;
        }
        assertArrayEquals(new int[] {113, 142, 113, 142, 113}, unsigned(Resampler.resize(stripes, 45, 1, 1, 5, 1)));
        // Bilinear sampling alone lands on single columns (source x = 9 x + 4): all dark or all bright, an alias.
        assertArrayEquals(new int[] {0, 255, 0, 255, 0}, unsigned(Resampler.bilinear(stripes, 45, 1, 1, 5, 1)));
    }

    @Test
    void resizeInterpolatesWhenEnlargingAndMixesPerAxis() {
        byte[] row = {0, (byte) 255};
        assertArrayEquals(unsigned(Resampler.bilinear(row, 2, 1, 1, 4, 1)), unsigned(Resampler.resize(row, 2, 1, 1, 4, 1)));
        // 4x1 to 2x2: columns averaged in pairs ((0+100)/2 = 50, (200+255)/2 = 227.5), the row repeated.
        byte[] wide = {0, 100, (byte) 200, (byte) 255};
        assertArrayEquals(new int[] {50, 228, 50, 228}, unsigned(Resampler.resize(wide, 4, 1, 1, 2, 2)));
    }

    @Test
    void parsesModesAndRefusesOthersNamingTheChoices() {
        assertEquals(FitMode.CROP, FitMode.parse(" Crop "));
        assertEquals(FitMode.STRETCH, FitMode.parse("stretch"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FitMode.parse("pad"));
        assertEquals("unknown fit mode 'pad'; expected stretch or crop", e.getMessage());
    }

    private static int[] unsigned(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xFF;
        }
        return out;
    }
}
