package io.embedstream.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ResamplerTest {

    @Test
    void bilinearEnlargesWithHalfPixelCentres() {
        byte[] row = {0, (byte) 255};
        // Output centres 0.5..3.5 map to source -0.25, 0.25, 0.75, 1.25: clamped at the edges, interpolated inside.
        assertArrayEquals(new int[] {0, 64, 191, 255}, unsigned(Resampler.bilinear(row, 2, 1, 1, 4, 1)));
    }

    @Test
    void bilinearKeepsChannelsApart() {
        byte[] rgb = {10, 20, 30, 50, 60, 70};
        assertArrayEquals(new int[] {10, 20, 30, 20, 30, 40, 40, 50, 60, 50, 60, 70},
                unsigned(Resampler.bilinear(rgb, 2, 1, 3, 4, 1)));
    }

    @Test
    void sameSizeIsTheInputItself() {
        byte[] pixels = {1, 2, 3, 4};
        assertSame(pixels, Resampler.bilinear(pixels, 2, 2, 1, 2, 2));
    }

    @Test
    void areaAverageDoesNotAliasAFinePattern() {
        // A one-pixel checkerboard shrunk 4x: every output pixel covers as much black as white. Point sampling
        // (what a plain bilinear shrink by an even factor does) would return all black or all white instead.
        int n = 16;
        byte[] board = new byte[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                board[y * n + x] = (byte) (((x + y) & 1) == 0 ? 0 : 255);
            }
        }
        for (double v : Resampler.areaAverage(board, n, n, 1, 4, 4)) {
            assertEquals(127.5, v, 1e-9);
        }
    }

    @Test
    void areaAverageWeighsFractionalPixelsByOverlap() {
        // 3 pixels into 2: the middle one is split half and half.
        double[] out = Resampler.areaAverage(new byte[] {0, 90, (byte) 180}, 3, 1, 1, 2, 1);
        assertArrayEquals(new double[] {(0 * 1.0 + 90 * 0.5) / 1.5, (90 * 0.5 + 180 * 1.0) / 1.5}, out, 1e-9);
    }

    @Test
    void rejectsAnEmptyTarget() {
        assertThrows(IllegalArgumentException.class, () -> Resampler.bilinear(new byte[] {1}, 1, 1, 1, 0, 1));
    }

    private static int[] unsigned(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xFF;
        }
        return out;
    }
}
