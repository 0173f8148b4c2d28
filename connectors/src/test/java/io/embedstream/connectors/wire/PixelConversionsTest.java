package io.embedstream.connectors.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Pins the documented resize and channel policy. */
class PixelConversionsTest {

    @Test
    void bilinearWithHalfPixelCentres() {
        PixelBuffer row = new PixelBuffer(2, 1, 1, new byte[] {0, (byte) 255});
        assertArrayEquals(new int[] {0, 64, 191, 255}, unsigned(PixelConversions.resize(row, 4, 1).data()));

        byte[] square = {0, 100, 0, 0, 100, (byte) 200, 0, 0, 0, 0, 40, 40, 0, 0, 40, 40};
        PixelBuffer halved = PixelConversions.resize(new PixelBuffer(4, 4, 1, square), 2, 2);
        // Halving averages each 2x2 block.
        assertArrayEquals(new int[] {100, 0, 0, 40}, unsigned(halved.data()));
    }

    @Test
    void channelConversions() {
        PixelBuffer rgb = new PixelBuffer(1, 1, 3, new byte[] {(byte) 255, 0, 0});
        assertArrayEquals(new int[] {76}, unsigned(PixelConversions.toChannels(rgb, 1).data()));
        PixelBuffer gray = new PixelBuffer(1, 1, 1, new byte[] {7});
        assertArrayEquals(new int[] {7, 7, 7}, unsigned(PixelConversions.toChannels(gray, 3).data()));
    }

    private static int[] unsigned(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xFF;
        }
        return out;
    }
}
