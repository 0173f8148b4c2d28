package io.embedstream.model.train;

import io.embedstream.model.random.Rng;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.embedstream.types.LabeledImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomShiftTest {
    /** 4x3 image, 3 channels, pixel value = 10 * (y * 4 + x) + channel + 1 (never 0). */
    private static LabeledImage grid() {
        byte[] px = new byte[4 * 3 * 3];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                for (int c = 0; c < 3; c++) {
                    px[(y * 4 + x) * 3 + c] = (byte) (10 * (y * 4 + x) + c + 1);
                }
            }
        }
        return new LabeledImage("g", 1, 4, 3, 3, px);
    }

    private static int at(LabeledImage im, int x, int y, int c) {
        return im.pixels()[(y * im.width() + x) * im.channels() + c] & 0xFF;
    }

    @Test
    void movesEveryPixelByTheOffsetAndFillsTheBorderWithZero() {
        LabeledImage src = grid();
        for (int dx = -4; dx <= 4; dx++) {
            for (int dy = -3; dy <= 3; dy++) {
                LabeledImage out = RandomShift.shift(src, dx, dy);
                assertEquals(src.label(), out.label());
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 4; x++) {
                        for (int c = 0; c < 3; c++) {
                            int sx = x - dx;
                            int sy = y - dy;
                            int expected = sx >= 0 && sx < 4 && sy >= 0 && sy < 3 ? at(src, sx, sy, c) : 0;
                            assertEquals(expected, at(out, x, y, c), "dx=" + dx + " dy=" + dy + " at " + x + "," + y);
                        }
                    }
                }
            }
        }
        assertSame(src, RandomShift.shift(src, 0, 0));
    }

    @Test
    void offsetsStayWithinTheBoundAndFollowTheRng() {
        RandomShift shift = new RandomShift(1);
        LabeledImage src = grid();
        List<LabeledImage> batch = java.util.Collections.nCopies(200, src);
        List<LabeledImage> a = shift.apply(batch, new Rng(5));
        List<LabeledImage> b = shift.apply(batch, new Rng(5));
        int moved = 0;
        for (int i = 0; i < batch.size(); i++) {
            assertArrayEquals(a.get(i).pixels(), b.get(i).pixels(), "same RNG state, same offsets");
            // Within 1 pixel: the centre pixels (1..2, 1) always come from inside the image.
            assertNotEquals(0, at(a.get(i), 1, 1, 0));
            assertNotEquals(0, at(a.get(i), 2, 1, 0));
            moved += a.get(i) == src ? 0 : 1;
        }
        assertTrue(moved > 150, "8 of 9 offsets move the image, moved " + moved);
        Rng untouched = new Rng(5);
        long before = untouched.state();
        assertSame(batch, new RandomShift(0).apply(batch, untouched));
        assertEquals(before, untouched.state(), "off: no draws, so runs without augmentation are unchanged");
        assertThrows(IllegalArgumentException.class, () -> new RandomShift(-1));
    }
}
