package io.embedstream.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpearmanTest {
    @Test
    void ranksMonotoneRelationsAsPlusOrMinusOne() {
        assertEquals(1.0, Spearman.correlation(new double[] {1, 2, 3, 4}, new double[] {1, 8, 27, 64}).orElseThrow(),
                1e-12);
        assertEquals(-1.0, Spearman.correlation(new double[] {1, 2, 3, 4}, new double[] {9, 4, 1, 0}).orElseThrow(),
                1e-12);
    }

    @Test
    void averagesTiedRanksAndMatchesHandComputedValues() {
        assertArrayEquals(new double[] {1.5, 1.5, 3, 4}, Spearman.ranks(new double[] {5, 5, 6, 7}));
        assertArrayEquals(new double[] {3.5, 1, 3.5, 2}, Spearman.ranks(new double[] {5, 1, 5, 3}),
                "the class Javadoc's example: unsorted, the tied values apart");
        // Ranks (1,2,3,4,5) vs (2,1,4,3,5): 1 - 6 * 4 / (5 * 24) = 0.8.
        assertEquals(0.8, Spearman.correlation(new double[] {1, 2, 3, 4, 5}, new double[] {2, 1, 4, 3, 5})
                .orElseThrow(), 1e-12);
        // With a tie: ranks (1,2,3,4) vs (1.5,1.5,3,4), deviations from 2.5 give 4.5 / sqrt(5 * 4.5) = sqrt(0.9);
        // the no-ties shortcut 1 - 6 * sum(d^2) / (n (n^2 - 1)) would give 0.95.
        assertEquals(Math.sqrt(0.9), Spearman.correlation(new double[] {1, 2, 3, 4},
                new double[] {5, 5, 6, 7}).orElseThrow(), 1e-12);
    }

    @Test
    void isUndefinedForConstantOrTooFewSamples() {
        assertTrue(Spearman.correlation(new double[] {1, 1, 1}, new double[] {1, 2, 3}).isEmpty());
        assertTrue(Spearman.correlation(new double[] {1, 2, 3}, new double[] {0.5, 0.5, 0.5}).isEmpty());
        assertTrue(Spearman.correlation(new double[] {1}, new double[] {2}).isEmpty());
        assertThrows(IllegalArgumentException.class,
                () -> Spearman.correlation(new double[] {1, 2, 3}, new double[] {1, 2}));
    }
}
