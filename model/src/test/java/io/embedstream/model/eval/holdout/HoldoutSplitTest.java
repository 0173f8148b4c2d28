package io.embedstream.model.eval.holdout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HoldoutSplitTest {
    @Test
    void holdsOutTheConfiguredShareOfSequentialIds() {
        HoldoutSplit split = HoldoutSplit.of(HoldoutSplit.DEFAULT_SHARE, 0);
        int n = 200_000;
        int held = 0;
        for (int i = 0; i < n; i++) {
            held += split.heldOut("img-" + i) ? 1 : 0;
        }
        double expected = n * 0.02;
        double sd = Math.sqrt(n * 0.02 * 0.98);
        System.out.printf("held out %d of %d sequential ids (expected %.0f +- %.0f)%n", held, n, expected, sd);
        assertEquals(expected, held, 4 * sd, "binomial share within 4 standard deviations");
    }

    @Test
    void everyStretchOfTheStreamIsHeldOutAtTheSameShare() {
        // A hash whose low bits follow the id's last digits would hold out whole runs and skip others.
        HoldoutSplit split = HoldoutSplit.of(0.1, 7);
        for (int block = 0; block < 10; block++) {
            int held = 0;
            for (int i = 0; i < 10_000; i++) {
                held += split.heldOut("cam3/frame-" + (block * 10_000 + i)) ? 1 : 0;
            }
            assertEquals(1000, held, 4 * Math.sqrt(10_000 * 0.1 * 0.9), "block " + block);
        }
    }

    @Test
    void aSaltChoosesAnIndependentSet() {
        HoldoutSplit a = HoldoutSplit.of(0.1, 1);
        HoldoutSplit b = HoldoutSplit.of(0.1, 2);
        int n = 100_000;
        int both = 0;
        for (int i = 0; i < n; i++) {
            String id = "img-" + i;
            both += a.heldOut(id) && b.heldOut(id) ? 1 : 0;
        }
        double expected = n * 0.01;
        assertEquals(expected, both, 4 * Math.sqrt(n * 0.01 * 0.99), "overlap of independent 10% sets is 1%");
    }

    @Test
    void theDecisionIsAFixedFunctionOfIdAndSalt() {
        // Reference values computed outside Java (FNV-1a 64 over the UTF-8 bytes, then SplitMix64's mixer of
        // hash ^ mix(salt), top 53 bits): a change of hash would silently move images between training and the
        // evaluation set of a running job after an upgrade.
        assertEquals(0.1423249266342701, HoldoutSplit.of(0.5, 0).unit("img-0"), 0);
        assertEquals(0.6632356359676448, HoldoutSplit.of(0.5, 0).unit("img-1"), 0);
        assertEquals(0.41708647414963584, HoldoutSplit.of(0.5, 42).unit("img-0"), 0);
        assertEquals(0.49398453839650536, HoldoutSplit.of(0.5, 0).unit("bild-\u00fc-7"), 0);
        assertTrue(HoldoutSplit.of(0.15, 0).heldOut("img-0"));
        assertFalse(HoldoutSplit.of(0.14, 0).heldOut("img-0"));
    }

    @Test
    void shareZeroHoldsNothingOut() {
        HoldoutSplit none = HoldoutSplit.of(0, 0);
        for (int i = 0; i < 10_000; i++) {
            assertFalse(none.heldOut("img-" + i));
        }
    }

    @Test
    void aShareOutsideZeroToOneIsRefusedWithTheReason() {
        for (double bad : new double[] {-0.01, 1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HoldoutSplit.of(bad, 0));
            assertTrue(e.getMessage().contains("held-out share"), e.getMessage());
        }
        assertNotEquals(HoldoutSplit.of(0.5, 1).unit("x"), HoldoutSplit.of(0.5, 2).unit("x"));
    }
}
