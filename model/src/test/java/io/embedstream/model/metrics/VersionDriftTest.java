package io.embedstream.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.junit.jupiter.api.Test;

class VersionDriftTest {
    private static final int N = 400;
    private static final int D = 32;

    private final VersionDrift drift = VersionDrift.withDefaults();

    /** Probe embeddings with 5 classes so that neighbourhoods are meaningful. */
    private static EmbeddingWindow probes(long seed) {
        Random rng = new Random(seed);
        float[] x = Synthetic.gaussian(rng, N, D);
        int[] y = Synthetic.roundRobinLabels(N, 5);
        for (int i = 0; i < N; i++) {
            x[i * D + y[i]] += 3f;
        }
        return new EmbeddingWindow(x, N, D, y, null);
    }

    /** x Q * scale for a random orthogonal Q. */
    private static EmbeddingWindow rotatedAndScaled(EmbeddingWindow w, long seed, float scale) {
        Random rng = new Random(seed);
        DMatrixRMaj g = new DMatrixRMaj(D, D);
        for (int i = 0; i < D * D; i++) {
            g.data[i] = rng.nextGaussian();
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(D, D);
        qr.decompose(g);
        DMatrixRMaj q = qr.getQ(null, false);
        float[] x = w.data();
        float[] out = new float[x.length];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                double s = 0;
                for (int k = 0; k < D; k++) {
                    s += x[i * D + k] * q.get(k, j);
                }
                out[i * D + j] = (float) (s * scale);
            }
        }
        return new EmbeddingWindow(out, N, D, w.labels(), null);
    }

    @Test
    void identicalVersionsHaveOverlapOneCkaOneAndNoShift() {
        EmbeddingWindow w = probes(41);
        VersionDriftReport r = drift.compare(w, w);
        System.out.printf("identical versions: CKA %.12f, kNN@10 overlap %.4f, centroid shift %.2e%n",
                r.linearCka().orElseThrow(), r.knnOverlap().orElseThrow(), r.centroidShift().orElseThrow());
        assertEquals(1.0, r.linearCka().orElseThrow(), 1e-12);
        assertEquals(1.0, r.knnOverlap().orElseThrow());
        assertEquals(0.0, r.centroidShift().orElseThrow(), 1e-9);
        assertEquals(0.0, r.meanSampleShift().orElseThrow(), 1e-6);
        assertEquals(5, r.classCentroidShift().size());
        r.classCentroidShift().values().forEach(v -> assertEquals(0.0, v, 1e-9));
    }

    @Test
    void ckaOverlapAndShiftAreInvariantToRotationAndIsotropicScaling() {
        EmbeddingWindow w = probes(42);
        VersionDriftReport r = drift.compare(w, rotatedAndScaled(w, 43, 2.5f));
        System.out.printf("rotated+scaled version: CKA %.9f, overlap %.4f, centroid shift %.2e%n",
                r.linearCka().orElseThrow(), r.knnOverlap().orElseThrow(), r.centroidShift().orElseThrow());
        assertEquals(1.0, r.linearCka().orElseThrow(), 1e-5);
        assertTrue(r.knnOverlap().orElseThrow() > 0.99, "overlap " + r.knnOverlap());
        assertEquals(0.0, r.centroidShift().orElseThrow(), 1e-5);
        assertEquals(0.0, r.meanSampleShift().orElseThrow(), 1e-5);
    }

    @Test
    void unrelatedVersionsScoreLowAndNoisyVersionsInBetween() {
        EmbeddingWindow w = probes(44);
        VersionDriftReport unrelated = drift.compare(w, probes(45));
        float[] noisy = w.data();
        Random rng = new Random(46);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] += (float) (0.7 * rng.nextGaussian());
        }
        VersionDriftReport partly = drift.compare(w, new EmbeddingWindow(noisy, N, D, w.labels(), null));
        System.out.printf("noisy version: CKA %.3f overlap %.3f; unrelated: CKA %.3f overlap %.3f%n",
                partly.linearCka().orElseThrow(), partly.knnOverlap().orElseThrow(),
                unrelated.linearCka().orElseThrow(), unrelated.knnOverlap().orElseThrow());
        // Not near 0: both versions share the class offsets, which CKA rightly sees as common structure.
        assertTrue(unrelated.linearCka().orElseThrow() < 0.4);
        assertTrue(unrelated.knnOverlap().orElseThrow() < 0.15);
        double ckaPartly = partly.linearCka().orElseThrow();
        assertTrue(ckaPartly > unrelated.linearCka().orElseThrow() && ckaPartly < 0.99);
        assertTrue(partly.knnOverlap().orElseThrow() > unrelated.knnOverlap().orElseThrow()
                && partly.knnOverlap().orElseThrow() < 0.9);
        assertTrue(partly.meanSampleShift().orElseThrow() > 0.1);
    }

    @Test
    void versionsWithDifferentEmbeddingSizesAreComparable() {
        // The new version appends 16 zero dimensions: same geometry, so CKA 1 and overlap 1.
        EmbeddingWindow w = probes(47);
        int d2 = D + 16;
        float[] x = new float[N * d2];
        for (int i = 0; i < N; i++) {
            System.arraycopy(w.data(), i * D, x, i * d2, D);
        }
        VersionDriftReport r = drift.compare(w, new EmbeddingWindow(x, N, d2, w.labels(), null));
        assertEquals(1.0, r.linearCka().orElseThrow(), 1e-9);
        assertEquals(1.0, r.knnOverlap().orElseThrow());
        assertEquals(0.0, r.centroidShift().orElseThrow(), 1e-9);
    }

    @Test
    void badProbeSetsGiveClearResults() {
        EmbeddingWindow w = probes(48);
        assertThrows(IllegalArgumentException.class,
                () -> drift.compare(w, EmbeddingWindow.of(new float[10 * D], 10, D)));
        float[] withNan = w.data();
        withNan[3 * D + 1] = Float.NaN;
        VersionDriftReport r = drift.compare(w, new EmbeddingWindow(withNan, N, D, w.labels(), null));
        assertEquals(1, r.droppedRows());
        assertEquals(N - 1, r.probeSize());
        assertEquals(1.0, r.linearCka().orElseThrow(), 1e-12);
        float[] constant = new float[N * D];
        VersionDriftReport c = drift.compare(w, new EmbeddingWindow(constant, N, D, w.labels(), null));
        assertTrue(c.linearCka().isEmpty());
        assertTrue(c.notes().stream().anyMatch(s -> s.contains("zero variance")), c.notes().toString());
        c.toFlatMap().values().forEach(v -> assertTrue(Double.isFinite(v)));
    }
}
