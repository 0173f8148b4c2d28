package io.embedstream.model.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassTargetsTest {
    private static final double H = Math.sqrt(0.5);

    @Test
    void blendsEachRowWithItsClassCentroid() {
        // Class 7: (1, 0) and (0, 1), centroid (h, h). Class -2 (a class name's label in the gate): (-1, 0) alone.
        double[] y = {1, 0, 0, 1, -1, 0};
        int[] labels = {7, 7, -2};
        assertArrayEquals(y, ClassTargets.blend(y, 2, 3, labels, 0), 0, "weight 0: the rows themselves");
        assertArrayEquals(new double[] {H, H, H, H, -1, 0}, ClassTargets.blend(y, 2, 3, labels, 1), 1e-12,
                "weight 1: the normalised centroids");
        double[] half = ClassTargets.blend(y, 2, 3, labels, 0.5);
        double norm = Math.hypot(0.5 + 0.5 * H, 0.5 * H);
        assertArrayEquals(new double[] {(0.5 + 0.5 * H) / norm, 0.5 * H / norm}, new double[] {half[0], half[1]}, 1e-12);
        assertEquals(1, Math.hypot(half[2], half[3]), 1e-12, "targets are unit rows");
        assertArrayEquals(new double[] {-1, 0}, new double[] {half[4], half[5]}, 1e-12);
    }

    @Test
    void refusesAWeightOutsideZeroToOneOrMismatchedLabels() {
        assertThrows(IllegalArgumentException.class, () -> ClassTargets.blend(new double[2], 2, 1, new int[1], 1.5));
        assertThrows(IllegalArgumentException.class, () -> ClassTargets.blend(new double[2], 2, 1, new int[2], 0.5));
    }
}
