package io.embedstream.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BadInputTest {
    private final WindowMetrics metrics = WindowMetrics.withDefaults();

    private static void assertAllFinite(WindowReport r) {
        for (Map.Entry<String, Double> e : r.toFlatMap().entrySet()) {
            assertTrue(Double.isFinite(e.getValue()), e.getKey() + " = " + e.getValue());
        }
    }

    private static boolean noted(WindowReport r, String fragment) {
        return r.notes().stream().anyMatch(s -> s.contains(fragment));
    }

    @Test
    void emptyWindowGivesAReportWithNoMetricsAndAReason() {
        WindowReport r = metrics.compute(new EmbeddingWindow(new float[0], 0, 16, new int[0], new float[0]));
        assertTrue(r.collapse().isEmpty());
        assertTrue(r.norms().isEmpty());
        assertTrue(r.separation().isEmpty());
        assertTrue(noted(r, "empty"), r.notes().toString());
        assertEquals(Map.of("window.size", 0.0, "window.dimension", 16.0, "window.dropped_rows", 0.0), r.toFlatMap());
    }

    @Test
    void singleRowGivesNormsOnly() {
        WindowReport r = metrics.compute(EmbeddingWindow.of(new float[] {3, 4}, 1, 2));
        assertEquals(5.0, r.norms().orElseThrow().mean(), 1e-12);
        assertTrue(r.collapse().isEmpty());
        assertTrue(noted(r, ">= 2 finite rows"), r.notes().toString());
        assertAllFinite(r);
    }

    @Test
    void singleClassGivesNoLabelBasedSeparationButKeepsTheRest() {
        int n = 64;
        int d = 8;
        int[] labels = new int[n];
        Arrays.fill(labels, 3);
        WindowReport r = metrics.compute(new EmbeddingWindow(Synthetic.gaussian(new Random(61), n, d), n, d, labels, null));
        SeparationMetrics s = r.separation().orElseThrow();
        assertEquals(1, s.classCount());
        assertTrue(s.nc1().isEmpty());
        assertTrue(s.alignment().isEmpty());
        assertTrue(s.uniformity().isPresent());
        assertTrue(noted(r, "only one class"), r.notes().toString());
        assertFalse(r.toFlatMap().containsKey("separation.nc1"));
        assertTrue(r.toFlatMap().containsKey("collapse.effective_rank"));
        assertTrue(r.toFlatMap().containsKey("norms.class.3.mean"));
        assertAllFinite(r);
    }

    @Test
    void rowsWithNanOrInfinityAreDroppedAndReported() {
        int n = 100;
        int d = 8;
        float[] x = Synthetic.gaussian(new Random(62), n, d);
        x[5 * d + 2] = Float.NaN;
        x[17 * d] = Float.POSITIVE_INFINITY;
        WindowReport r = metrics.compute(new EmbeddingWindow(x, n, d, Synthetic.roundRobinLabels(n, 2), null));
        assertEquals(2, r.droppedRows());
        assertEquals(2.0, r.toFlatMap().get("window.dropped_rows"));
        assertTrue(noted(r, "ignored 2 of 100 rows"), r.notes().toString());
        assertTrue(r.collapse().orElseThrow().effectiveRank() > 6);
        assertAllFinite(r);
    }

    @Test
    void allNanWindowGivesNoMetrics() {
        float[] x = new float[10 * 4];
        Arrays.fill(x, Float.NaN);
        WindowReport r = metrics.compute(EmbeddingWindow.of(x, 10, 4));
        assertTrue(r.collapse().isEmpty());
        assertTrue(noted(r, "no finite rows"), r.notes().toString());
        assertAllFinite(r);
    }

    @Test
    void identicalEmbeddingsReportFullCollapseWithoutNaN() {
        int n = 50;
        int d = 16;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = 0.25f * j;
            }
        }
        float[] q = new float[n];
        Arrays.fill(q, 0.5f);
        WindowReport r = metrics.compute(new EmbeddingWindow(x, n, d, Synthetic.roundRobinLabels(n, 2), q));
        CollapseMetrics c = r.collapse().orElseThrow();
        assertEquals(0.0, c.effectiveRank());
        assertTrue(c.varianceFractionTopK().isEmpty());
        SeparationMetrics s = r.separation().orElseThrow();
        assertTrue(s.nc1().isEmpty(), "class means coincide");
        assertEquals(0.0, s.uniformity().orElseThrow(), 1e-12);
        assertTrue(noted(r, "zero variance"), r.notes().toString());
        assertTrue(noted(r, "class means coincide"), r.notes().toString());
        assertTrue(r.norms().orElseThrow().normQualitySpearman().isEmpty());
        assertAllFinite(r);
        // The detector sees it as collapse.
        CollapseDriftDetector detector = CollapseDriftDetector.withDefaults();
        for (int t = 0; t < 2; t++) {
            assertEquals(0, detector.observe(r).size());
        }
        assertEquals(AlarmKind.EFFECTIVE_RANK_COLLAPSE, detector.observe(r).get(0).kind());
    }

    @Test
    void allZeroEmbeddingsDoNotBreakNormalisation() {
        int n = 20;
        int d = 4;
        WindowReport r = metrics.compute(new EmbeddingWindow(new float[n * d], n, d, Synthetic.roundRobinLabels(n, 2), null));
        assertEquals(0.0, r.collapse().orElseThrow().codingRate(), 1e-12);
        assertTrue(noted(r, "all-zero"), r.notes().toString());
        assertTrue(r.separation().orElseThrow().minCentroidCosineDistance().isEmpty());
        assertAllFinite(r);
    }

    @Test
    void hugeButFiniteEmbeddingsGiveFiniteMetricsAndScaleFreeDrift() {
        int n = 64;
        int d = 16;
        Random rng = new Random(64);
        float[] a = Synthetic.gaussian(rng, n, d);
        float[] b = Synthetic.shifted(Synthetic.gaussian(rng, n, d), n, d, 3, 0.8f);
        float[] bigA = a.clone();
        float[] bigB = b.clone();
        for (int i = 0; i < a.length; i++) {
            bigA[i] *= 1e30f;
            bigB[i] *= 1e30f;
        }
        int[] labels = Synthetic.roundRobinLabels(n, 2);
        WindowReport big = metrics.compute(new EmbeddingWindow(bigB, n, d, labels, null),
                new EmbeddingWindow(bigA, n, d, labels, null));
        assertAllFinite(big);
        WindowReport small = metrics.compute(new EmbeddingWindow(b, n, d, labels, null), new EmbeddingWindow(a, n, d, labels, null));
        // The median-heuristic RBF test does not depend on the units of the embeddings.
        assertEquals(small.drift().orElseThrow().pValue(), big.drift().orElseThrow().pValue());
        assertEquals(small.drift().orElseThrow().mmd2(), big.drift().orElseThrow().mmd2(), 1e-6);
        assertEquals(small.collapse().orElseThrow().effectiveRank(), big.collapse().orElseThrow().effectiveRank(), 1e-6); // float rounding of the scaled input
    }

    @Test
    void malformedWindowsAreRejectedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddingWindow.of(new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> EmbeddingWindow.of(new float[0], 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new EmbeddingWindow(new float[4], 2, 2, new int[] {0, -1}, null));
        assertThrows(IllegalArgumentException.class, () -> new EmbeddingWindow(new float[4], 2, 2, new int[] {0}, null));
        assertThrows(IllegalArgumentException.class, () -> new EmbeddingWindow(new float[4], 2, 2, null, new float[] {0.5f, 1.5f}));
        assertThrows(IllegalArgumentException.class, () -> new EmbeddingWindow(new float[4], 2, 2, null, new float[] {0.5f, Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> metrics.compute(EmbeddingWindow.of(new float[4], 2, 2),
                EmbeddingWindow.of(new float[6], 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> MetricsConfig.builder().codingRateEpsilon(0).build());
        assertThrows(IllegalArgumentException.class, () -> DetectorConfig.builder().effectiveRankFraction(1.5).build());
    }

    @Test
    void windowIsImmutable() {
        float[] x = {1, 2, 3, 4};
        EmbeddingWindow w = EmbeddingWindow.of(x, 2, 2);
        x[0] = 99;
        w.data()[1] = 99;
        assertEquals(1f, w.get(0, 0));
        assertEquals(2f, w.get(0, 1));
    }

    @Test
    void flatMapHasStableNamesForAFullReport() {
        int n = 200;
        int d = 16;
        Random rng = new Random(63);
        float[] q = new float[n];
        for (int i = 0; i < n; i++) {
            q[i] = rng.nextFloat();
        }
        EmbeddingWindow w = new EmbeddingWindow(Synthetic.gaussian(rng, n, d), n, d, Synthetic.roundRobinLabels(n, 3), q);
        EmbeddingWindow ref = EmbeddingWindow.of(Synthetic.gaussian(rng, n, d), n, d);
        Map<String, Double> m = metrics.compute(w, ref).toFlatMap();
        for (String name : new String[] {"window.size", "collapse.effective_rank", "collapse.coding_rate",
                "collapse.spectrum.0", "collapse.spectrum.15", "collapse.variance_top1", "collapse.variance_top2",
                "collapse.variance_top5", "norms.mean", "norms.std", "norms.quality_spearman", "norms.class.2.mean",
                "norms.class.0.count", "separation.class_count", "separation.nc1", "separation.intra_inter_ratio",
                "separation.min_centroid_cosine_distance", "separation.alignment", "separation.uniformity",
                "drift.mmd2", "drift.p_value", "drift.bandwidth"}) {
            assertTrue(m.containsKey(name), name + " missing from " + m.keySet());
        }
        assertEquals(3.0, m.get("separation.class_count"));
        assertThrows(UnsupportedOperationException.class, () -> m.put("x", 1.0));
    }
}
