package io.embedstream.model.metrics.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.random.Rng;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelShiftTestTest {

    @Test
    void chiSquareTailMatchesReferenceValues() {
        // Reference values from scipy.stats.chi2.sf.
        assertEquals(0.05, ChiSquare.survival(3.841458820694124, 1), 1e-12);
        assertEquals(0.05, ChiSquare.survival(18.307038053275146, 10), 1e-12);
        assertEquals(5.4497019829205215e-17, ChiSquare.survival(100, 10), 1e-26);
        assertEquals(0.9188914116546758, ChiSquare.survival(0.5, 3), 1e-12);
        assertEquals(3.4695368870539687e-32, ChiSquare.survival(250, 40), 1e-41);
        assertEquals(0.9747728793699604, ChiSquare.survival(1e-3, 1), 1e-12);
        assertEquals(1.0, ChiSquare.survival(0, 4));
    }

    @Test
    void falseAlarmRateWithoutShiftIsAlpha() {
        double[] p = {0.3, 0.2, 0.15, 0.1, 0.1, 0.05, 0.05, 0.03, 0.015, 0.005};
        Rng rng = new Rng(3);
        LabelShiftTest test = new LabelShiftTest(LabelShiftTest.counts(Streams.labels(rng, 50_000, p)),
                LabelShiftConfig.defaults().withAlpha(0.05));
        int windows = 4000;
        int alarms = 0;
        for (int w = 0; w < windows; w++) {
            if (test.test(Streams.labels(rng, 1024, p)).shifted()) {
                alarms++;
            }
        }
        double rate = alarms / (double) windows;
        System.out.printf(java.util.Locale.ROOT, "label shift false-alarm rate at alpha 0.05: %.4f (%d/%d windows of 1,024)%n",
                rate, alarms, windows);
        assertTrue(rate > 0.035 && rate < 0.065, "false-alarm rate " + rate);
    }

    @Test
    void aNewClassMixIsFlaggedAndTheClassesThatMovedAreNamed() {
        Rng rng = new Rng(4);
        LabelShiftTest test = LabelShiftTest.of(ReferenceSample.of(Streams.gaussian(rng, 2000, 2),
                Streams.labels(rng, 2000, Streams.uniform(5))), LabelShiftConfig.defaults());
        LabelShiftResult result = test.test(Streams.labels(rng, 1024, new double[] {0.1, 0.1, 0.4, 0.2, 0.2}));
        assertTrue(result.shifted(), result.toString());
        assertTrue(result.pValue() < 1e-10, "p " + result.pValue());
        assertEquals(4, result.degreesOfFreedom());
        assertEquals(0.2, result.totalVariation(), 0.04);
        List<LabelShiftResult.ClassShare> moved = result.movedClasses(3.0);
        assertEquals(2, moved.get(0).label(), "class 2 doubled its share");
        assertTrue(moved.get(0).adjustedResidual() > 0);
        assertFalse(test.test(Streams.labels(rng, 1024, Streams.uniform(5))).shifted());
        assertTrue(test.test(Streams.labels(rng, 1024, new double[] {0.1, 0.1, 0.4, 0.2, 0.2})).shifted());
        assertFalse(test.withConfig(LabelShiftConfig.defaults().withMinTotalVariation(0.5))
                .test(Streams.labels(rng, 1024, new double[] {0.1, 0.1, 0.4, 0.2, 0.2})).shifted(),
                "a total variation of 0.2 is under a 0.5 minimum effect");
    }

    @Test
    void sparseClassesArePooledAndNewClassesListed() {
        LabelShiftTest test = new LabelShiftTest(Map.of(0, 500L, 1, 480L, 2, 6L, 3, 5L), LabelShiftConfig.defaults());
        LabelShiftResult result = test.test(Map.of(0, 400L, 1, 380L, 2, 1L, 7, 2L));
        assertEquals(List.of(7), result.newClasses());
        assertEquals(List.of(2, 3, 7), result.pooledClasses());
        assertEquals(2, result.degreesOfFreedom(), "columns 0, 1 and the pool");
        assertFalse(result.shifted());
        LabelShiftResult notTested = test.test(new int[0]);
        assertFalse(notTested.tested());
        assertEquals(1.0, notTested.pValue());
        assertTrue(notTested.note().contains("no labelled rows"), notTested.note());
        LabelShiftResult oneClass = test.test(Map.of(0, 100L));
        assertTrue(oneClass.tested(), "two columns: class 0 and the pool of the rest");
        assertEquals(1, oneClass.degreesOfFreedom());
        assertTrue(oneClass.shifted());
        assertFalse(test.test(Map.of(0, 10L)).tested(), "ten labels cannot give two columns an expected count of 5");
        assertThrows(IllegalArgumentException.class, () -> new LabelShiftTest(Map.of(0, 0L), LabelShiftConfig.defaults()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LabelShiftConfig(1.5, 0, 5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }
}
