package io.embedstream.model.metrics.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RbfKernelTest {

    @Test
    void expIsWithinItsStatedRelativeErrorOfStrictMath() {
        double worst = 0;
        double worstAt = 0;
        // An even grid over (-700, 0] (step 1e-4, 7 million points) and as many random points, so that every
        // reduced argument f in [-ln2/2, ln2/2] is visited at every scale 2^r.
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 7_000_000; i++) {
            for (double x : new double[] {-i * 1e-4, -700 * rng.nextDouble()}) {
                if (x <= -700) {
                    continue;
                }
                double expected = StrictMath.exp(x);
                double err = Math.abs(RbfKernel.exp(x) - expected) / expected;
                if (err > worst) {
                    worst = err;
                    worstAt = x;
                }
            }
        }
        System.out.printf("RbfKernel.exp vs StrictMath.exp over (-700, 0]: max relative error %.3g at x = %.6f%n",
                worst, worstAt);
        assertTrue(worst < 1e-8, "max relative error " + worst + " at x = " + worstAt);
    }

    @Test
    void expEdges() {
        assertEquals(1.0, RbfKernel.exp(0.0));
        assertEquals(1.0, RbfKernel.exp(-0.0));
        assertEquals(0.0, RbfKernel.exp(-700.0));
        assertEquals(0.0, RbfKernel.exp(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(RbfKernel.exp(Double.NaN)));
        assertTrue(StrictMath.exp(-700.0) < 1e-303, "what the cut-off drops is negligible");
    }
}
