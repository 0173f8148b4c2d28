package io.embedstream.model.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScoreRampTest {
    @Test
    void linearRampInBothDirections() {
        ScoreRamp lowerBetter = ScoreRamp.linear(2, 10);
        assertEquals(1.0, lowerBetter.score(0));
        assertEquals(1.0, lowerBetter.score(2));
        assertEquals(0.5, lowerBetter.score(6), 1e-12);
        assertEquals(0.0, lowerBetter.score(10));
        assertEquals(0.0, lowerBetter.score(Double.POSITIVE_INFINITY));
        ScoreRamp higherBetter = ScoreRamp.linear(0.6, 0.0);
        assertEquals(1.0, higherBetter.score(0.9));
        assertEquals(0.5, higherBetter.score(0.3), 1e-12);
        assertEquals(0.0, higherBetter.score(-1));
    }

    @Test
    void logarithmicRampInterpolatesInLogSpace() {
        ScoreRamp r = ScoreRamp.logarithmic(0.1, 0.001);
        assertEquals(0.5, r.score(0.01), 1e-12);
        assertEquals(0.0, r.score(0.0));
        assertEquals(1.0, r.score(5));
    }

    @Test
    void isMonotone() {
        ScoreRamp r = ScoreRamp.linear(1, 4);
        double previous = 1.0;
        for (double v = 0; v < 5; v += 0.01) {
            double s = r.score(v);
            assertTrue(s <= previous && s >= 0 && s <= 1);
            previous = s;
        }
    }

    @Test
    void rejectsBadReferencePointsAndNaN() {
        assertThrows(IllegalArgumentException.class, () -> ScoreRamp.linear(1, 1));
        assertThrows(IllegalArgumentException.class, () -> ScoreRamp.linear(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> ScoreRamp.logarithmic(1, 0));
        assertThrows(IllegalArgumentException.class, () -> ScoreRamp.linear(0, 1).score(Double.NaN));
    }
}
