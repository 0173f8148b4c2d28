package io.embedstream.model.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** NMI against hand-computed values and k-means on separable and on structureless data. */
class ClusteringTest {

    @Test
    void nmiOfAPerfectClusteringIsOneWhateverTheClusterNames() {
        assertEquals(1.0, NormalizedMutualInformation.of(new int[] {0, 0, 1, 1, 2, 2}, new int[] {5, 5, 3, 3, 9, 9}),
                1e-12);
    }

    /**
     * u = [0,0,1,1], v = [0,0,0,1]: H(u) = ln 2, H(v) = -(3/4 ln 3/4 + 1/4 ln 1/4) = 0.562335,
     * I = 1/2 ln(4/3) + 1/4 ln(2/3) + 1/4 ln 2 = 0.215762, NMI = I / ((H(u) + H(v)) / 2) = 0.343711.
     */
    @Test
    void nmiMatchesTheHandComputedValue() {
        assertEquals(0.343711, NormalizedMutualInformation.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 0, 1}), 1e-6);
    }

    @Test
    void nmiOfARandomClusteringIsNearZero() {
        Random rng = new Random(1);
        int n = 20000;
        int[] u = new int[n];
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            u[i] = i % 10;
            v[i] = rng.nextInt(10);
        }
        double nmi = NormalizedMutualInformation.of(u, v);
        assertTrue(nmi < 0.005, "independent labelings: " + nmi);
    }

    @Test
    void nmiEdgeCases() {
        assertEquals(1.0, NormalizedMutualInformation.of(new int[] {1, 1, 1}, new int[] {4, 4, 4}));
        assertEquals(0.0, NormalizedMutualInformation.of(new int[] {0, 1, 2}, new int[] {4, 4, 4}));
    }

    @Test
    void kMeansFindsSeparatedBlobsAndIsReproducible() {
        Random rng = new Random(2);
        int k = 6;
        int n = 600;
        int d = 8;
        float[] x = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % k;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (rng.nextGaussian() * 0.3 + (j == labels[i] ? 5 : 0));
            }
        }
        KMeans.Clustering a = new KMeans(k, 3, 100, 7).cluster(x, n, d);
        KMeans.Clustering b = new KMeans(k, 3, 100, 7).cluster(x, n, d);
        assertArrayEquals(a.assignment(), b.assignment(), "same seed, same clustering");
        assertEquals(1.0, NormalizedMutualInformation.of(labels, a.assignment()), 1e-12);
    }

    @Test
    void kMeansOfStructurelessDataGivesLowNmiThroughTheEvaluator() {
        Random rng = new Random(4);
        int n = 1000;
        int d = 8;
        float[] x = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 5;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) rng.nextGaussian();
            }
        }
        LabeledEmbeddings set = LabeledEmbeddings.of(x, n, d, labels);
        SubsetMetrics all = RetrievalEvaluator.withDefaults().evaluate(set, set).overall();
        assertTrue(all.nmi() < 0.02, "labels independent of the embeddings: NMI " + all.nmi());
        // Each query finds itself among the references, so P@1 is 1 even though the data has no structure.
        assertEquals(1.0, all.precisionAt1());
        assertTrue(all.mapAtR().getAsDouble() < 0.3, "but MAP@R stays low: " + all.mapAtR());
    }
}
