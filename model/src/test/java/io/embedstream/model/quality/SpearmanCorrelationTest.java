package io.embedstream.model.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SpearmanCorrelationTest {
    @Test
    void ranksMonotoneRelationsAsPlusOrMinusOne() {
        assertEquals(1.0, SpearmanCorrelation.of(new double[] {1, 2, 3, 4}, new double[] {1, 8, 27, 64}), 1e-12);
        assertEquals(-1.0, SpearmanCorrelation.of(new double[] {1, 2, 3, 4}, new double[] {9, 4, 1, 0}), 1e-12);
    }

    @Test
    void averagesTiedRanksAndMatchesAHandComputedValue() {
        assertArrayEquals(new double[] {1.5, 1.5, 3, 4}, SpearmanCorrelation.ranks(new double[] {5, 5, 6, 7}));
        // Ranks (1,2,3,4,5) vs (2,1,4,3,5): 1 - 6 * 4 / (5 * 24) = 0.8.
        assertEquals(0.8, SpearmanCorrelation.of(new double[] {1, 2, 3, 4, 5}, new double[] {2, 1, 4, 3, 5}), 1e-12);
    }

    @Test
    void rejectsConstantSamples() {
        assertThrows(IllegalArgumentException.class,
                () -> SpearmanCorrelation.of(new double[] {1, 1, 1}, new double[] {1, 2, 3}));
    }
}
