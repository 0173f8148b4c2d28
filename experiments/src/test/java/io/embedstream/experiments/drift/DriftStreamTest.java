package io.embedstream.experiments.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulated stream: rows are drawn in passes without replacement, a mixed window has exactly the asked number
 * of new rows, a gradual switch's shares are (k+1)/G, a class mix is apportioned exactly.
 */
class DriftStreamTest {

    /** n rows of dimension 2; row i = (i, offset), label i % classes. */
    static EmbeddingPool pool(int n, int classes, float offset, long seed) {
        float[][] rows = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = new float[] {i, offset};
            labels[i] = i % classes;
        }
        return new EmbeddingPool(rows, labels, seed);
    }

    @Test
    void aPoolIsDrawnInPassesWithoutReplacement() {
        EmbeddingPool p = pool(50, 5, 0, 3);
        for (int pass = 0; pass < 3; pass++) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                assertTrue(seen.add(p.next()), "pass " + pass + " repeats a row before every row was drawn");
            }
        }
        Set<Integer> ofClass = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            int r = p.nextOfClass(3);
            assertEquals(3, p.label(r));
            assertTrue(ofClass.add(r), "a class pass repeats a row");
        }
        assertEquals(Map.of(0, 10, 1, 10, 2, 10, 3, 10, 4, 10), p.classCounts());
        assertThrows(IllegalArgumentException.class, () -> p.nextOfClass(7));
    }

    @Test
    void theSameSeedGivesTheSameStreamAndAnotherSeedAnother() {
        DriftStream a = new DriftStream(pool(100, 10, 0, 1), null, 16, 2);
        DriftStream b = new DriftStream(pool(100, 10, 0, 1), null, 16, 2);
        DriftStream c = new DriftStream(pool(100, 10, 0, 9), null, 16, 2);
        StreamWindow wa = a.stationary();
        StreamWindow wb = b.stationary();
        assertArrayEquals(wa.labels(), wb.labels());
        for (int i = 0; i < 16; i++) {
            assertArrayEquals(wa.rows()[i], wb.rows()[i]);
        }
        boolean differs = false;
        StreamWindow wc = c.stationary();
        for (int i = 0; i < 16; i++) {
            differs |= wa.rows()[i][0] != wc.rows()[i][0];
        }
        assertTrue(differs);
    }

    @Test
    void aMixedWindowHoldsExactlyTheAskedNewRows() {
        EmbeddingPool before = pool(200, 10, 0, 1);
        EmbeddingPool after = pool(200, 10, 1, 2);
        DriftStream s = new DriftStream(before, after, 64, 3);
        for (int shifted : new int[] {0, 1, 16, 63, 64}) {
            StreamWindow w = s.mixed(shifted);
            assertEquals(64, w.size());
            int fromAfter = 0;
            for (int i = 0; i < 64; i++) {
                fromAfter += w.rows()[i][1] == 1f ? 1 : 0;
                assertSame(w.rows()[i], (w.rows()[i][1] == 1f ? after : before).row((int) w.rows()[i][0]),
                        "rows are the pool's own arrays");
                assertEquals((int) w.rows()[i][0] % 10, w.labels()[i], "each row keeps its label");
            }
            assertEquals(shifted, fromAfter);
            assertEquals(shifted, w.shiftedRows());
            assertEquals(shifted / 64.0, w.shiftedShare(), 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> s.mixed(65));
        assertThrows(IllegalStateException.class, () -> new DriftStream(before, null, 64, 3).mixed(1));
    }

    @Test
    void aGradualSwitchIsALinearMixOverGWindows() {
        assertEquals(0.1, DriftStream.gradualShare(0, 10), 1e-12);
        assertEquals(0.5, DriftStream.gradualShare(4, 10), 1e-12);
        assertEquals(1.0, DriftStream.gradualShare(9, 10), 1e-12);
        assertEquals(1.0, DriftStream.gradualShare(30, 10), 1e-12);
        assertEquals(1.0, DriftStream.gradualShare(0, 1), 1e-12, "G = 1 is abrupt");
        assertEquals(307, DriftStream.gradualShiftedRows(2, 10, 1024));
        assertEquals(1024, DriftStream.gradualShiftedRows(12, 10, 1024));
    }

    @Test
    void aLabelShiftPutsTheShareOnTheChosenClasses() {
        Map<Integer, Double> mix = DriftStream.concentratedMix(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), List.of(0, 1), 0.8);
        assertEquals(0.4, mix.get(0), 1e-12);
        assertEquals(0.4, mix.get(1), 1e-12);
        assertEquals(0.025, mix.get(5), 1e-12);
        assertEquals(1.0, mix.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
        DriftStream s = new DriftStream(pool(1000, 10, 0, 1), null, 1024, 2);
        StreamWindow w = s.classMix(mix);
        int[] counts = new int[10];
        for (int y : w.labels()) {
            counts[y]++;
        }
        assertEquals(1024, w.size());
        // 1024 x 0.4 = 409.6 and 1024 x 0.025 = 25.6: each count is its share rounded down or up, 1024 in all.
        for (int c = 0; c < 10; c++) {
            int low = c < 2 ? 409 : 25;
            assertTrue(counts[c] == low || counts[c] == low + 1, "class " + c + ": " + counts[c]);
        }
        assertEquals(1024, java.util.Arrays.stream(counts).sum());
        assertEquals(0, w.shiftedRows());
        assertThrows(IllegalArgumentException.class, () -> DriftStream.concentratedMix(List.of(0, 1), List.of(2), 0.8));
        assertThrows(IllegalArgumentException.class, () -> DriftStream.concentratedMix(List.of(0, 1), List.of(0), 1.5));
    }

    @Test
    void apportionAddsUpAndFollowsTheShares() {
        assertArrayEquals(new int[] {3, 3, 4}, DriftStream.apportion(10, new double[] {0.3, 0.3, 0.4}));
        assertArrayEquals(new int[] {4, 3, 3}, DriftStream.apportion(10, new double[] {1, 1, 1}));
        assertArrayEquals(new int[] {0, 7}, DriftStream.apportion(7, new double[] {0, 2}));
    }
}
