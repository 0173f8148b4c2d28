package io.embedstream.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NormMetricsTest {
    private final WindowMetrics metrics = WindowMetrics.withDefaults();

    @Test
    void normsOverallAndPerClass() {
        // Class 0 rows have norm 1, class 1 rows have norm 3.
        int n = 6;
        int d = 2;
        float[] x = {1, 0, 0, 3, 0, 1, 3, 0, 0.6f, 0.8f, 0, -3};
        int[] y = {0, 1, 0, 1, 0, 1};
        NormMetrics m = metrics.compute(new EmbeddingWindow(x, n, d, y, null)).norms().orElseThrow();
        assertEquals(2.0, m.mean(), 1e-6);
        assertEquals(1.0, m.std(), 1e-6);
        assertEquals(1.0, m.perClass().get(0).mean(), 1e-6);
        assertEquals(0.0, m.perClass().get(0).std(), 1e-6);
        assertEquals(3, m.perClass().get(1).count());
        assertEquals(3.0, m.perClass().get(1).mean(), 1e-6);
        assertTrue(m.normQualitySpearman().isEmpty());
    }

    @Test
    void spearmanIsOneForAMonotoneRelationAndNearZeroForIndependence() {
        int n = 500;
        int d = 8;
        Random rng = new Random(21);
        float[] x = Synthetic.gaussian(rng, n, d);
        float[] q = new float[n];
        float[] qIndependent = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += x[i * d + j] * x[i * d + j];
            }
            q[i] = (float) (1 - Math.exp(-Math.sqrt(s) / 3)); // monotone in the norm, in [0, 1]
            qIndependent[i] = rng.nextFloat();
        }
        double rho = metrics.compute(new EmbeddingWindow(x, n, d, null, q)).norms().orElseThrow()
                .normQualitySpearman().orElseThrow();
        assertEquals(1.0, rho, 1e-6);
        double rho0 = metrics.compute(new EmbeddingWindow(x, n, d, null, qIndependent)).norms().orElseThrow()
                .normQualitySpearman().orElseThrow();
        assertTrue(Math.abs(rho0) < 0.15, "independent rho " + rho0);
    }
}
