package io.embedstream.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Retrieval figures against hand-computed cases and against a brute-force full sort. */
class RetrievalMetricsTest {

    /**
     * One dimension, Euclidean. References at 1(A) 2(B) 3(A) 4(A) 5(B); classes A=0, B=1, C=2.
     * Query 0 (A at 0): ranking A B A A B, R = 3, top 3 = A B A: AP@R = (1/1 + 2/3) / 3 = 5/9, R-precision 2/3, hit.
     * Query 1 (B at 5.4): ranking 5(B) 4(A) 3(A) 2(B) 1(A), R = 2, top 2 = B A: AP@R = 1/2, R-precision 1/2, hit.
     * Query 2 (C at 2.1): class C has no reference: a miss for P@1, left out of AP@R and R-precision.
     */
    @Test
    void mapAtRMatchesTheHandComputedExample() {
        LabeledEmbeddings refs = LabeledEmbeddings.of(new float[] {1, 2, 3, 4, 5}, 5, 1, new int[] {0, 1, 0, 0, 1});
        LabeledEmbeddings queries = LabeledEmbeddings.of(new float[] {0f, 5.4f, 2.1f}, 3, 1, new int[] {0, 1, 2});
        EvaluationReport report = RetrievalEvaluator.builder().metric(SimilarityMetric.EUCLIDEAN).build()
                .evaluate(queries, refs);
        SubsetMetrics all = report.overall();
        assertEquals((5.0 / 9 + 0.5) / 2, all.mapAtR().getAsDouble(), 1e-12);
        assertEquals((2.0 / 3 + 0.5) / 2, all.rPrecision().getAsDouble(), 1e-12);
        assertEquals(2.0 / 3, all.precisionAt1(), 1e-12);
        assertEquals(1, all.queriesWithoutClass());
        // Centroids A = 8/3, B = 3.5: query 0 -> A (hit), query 1 -> B (hit), query 2 (C) -> miss.
        assertEquals(2.0 / 3, all.centroidAccuracy(), 1e-12);
        assertFalse(report.notes().isEmpty(), "the query without references is explained");
    }

    @Test
    void cosineRanksByAngleNotDistance() {
        // Reference 0 (class 0) points the query's way but is far; reference 1 (class 1) is near but at 90 degrees.
        LabeledEmbeddings refs = LabeledEmbeddings.of(new float[][] {{10, 0}, {0, 1}}, new int[] {0, 1});
        LabeledEmbeddings query = LabeledEmbeddings.of(new float[][] {{0.9f, 0.1f}}, new int[] {0});
        assertEquals(1.0, RetrievalEvaluator.withDefaults().evaluate(query, refs).overall().precisionAt1());
        assertEquals(0.0, RetrievalEvaluator.builder().metric(SimilarityMetric.EUCLIDEAN).build()
                .evaluate(query, refs).overall().precisionAt1());
    }

    /** Random data of sizes that are not multiples of the block sizes, against a plain full sort per query. */
    @Test
    void blockedSelectionAgreesWithAFullSort() {
        Random rng = new Random(3);
        int n = 613;
        int m = 37;
        int d = 19;
        int[] refLabels = new int[n];
        float[] ref = new float[n * d];
        for (int i = 0; i < n; i++) {
            refLabels[i] = rng.nextInt(7) == 0 ? 6 : rng.nextInt(6); // unequal class sizes
            for (int k = 0; k < d; k++) {
                ref[i * d + k] = (float) rng.nextGaussian() + (k == refLabels[i] ? 3f : 0);
            }
        }
        int[] qLabels = new int[m];
        float[] q = new float[m * d];
        for (int i = 0; i < m; i++) {
            qLabels[i] = rng.nextInt(7);
            for (int k = 0; k < d; k++) {
                q[i * d + k] = (float) rng.nextGaussian() + (k == qLabels[i] ? 3f : 0);
            }
        }
        for (SimilarityMetric metric : SimilarityMetric.values()) {
            SubsetMetrics fast = RetrievalEvaluator.builder().metric(metric).build()
                    .evaluate(LabeledEmbeddings.of(q, m, d, qLabels), LabeledEmbeddings.of(ref, n, d, refLabels))
                    .overall();
            double[] expected = bruteForce(q, qLabels, ref, refLabels, m, n, d, metric);
            assertEquals(expected[0], fast.precisionAt1(), 1e-12, metric + " P@1");
            assertEquals(expected[1], fast.rPrecision().getAsDouble(), 1e-9, metric + " R-precision");
            assertEquals(expected[2], fast.mapAtR().getAsDouble(), 1e-9, metric + " MAP@R");
            assertTrue(fast.mapAtR().getAsDouble() > 0.2, "the classes are separable: " + fast);
        }
    }

    private static double[] bruteForce(float[] q, int[] ql, float[] r, int[] rl, int m, int n, int d,
                                       SimilarityMetric metric) {
        double hits = 0;
        double rp = 0;
        double ap = 0;
        for (int i = 0; i < m; i++) {
            double[] score = new double[n];
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                double dot = 0;
                double qq = 0;
                double rr = 0;
                for (int k = 0; k < d; k++) {
                    dot += q[i * d + k] * r[j * d + k];
                    qq += q[i * d + k] * q[i * d + k];
                    rr += r[j * d + k] * r[j * d + k];
                }
                score[j] = metric == SimilarityMetric.COSINE ? dot / Math.sqrt(qq * rr) : -(qq + rr - 2 * dot);
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
            int label = ql[i];
            int big = (int) Arrays.stream(rl).filter(l -> l == label).count();
            hits += rl[order[0]] == label ? 1 : 0;
            int found = 0;
            double sum = 0;
            for (int k = 0; k < big; k++) {
                if (rl[order[k]] == label) {
                    found++;
                    sum += found / (double) (k + 1);
                }
            }
            rp += found / (double) big;
            ap += sum / big;
        }
        return new double[] {hits / m, rp / m, ap / m};
    }

    @Test
    void rankKeysSortByDescendingScoreThenIndex() {
        float[] scores = {-3f, 0.5f, -0f, 0f, 7f, 0.5f, Float.NEGATIVE_INFINITY};
        long[] keys = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            keys[i] = RankKeys.key(scores[i], i);
        }
        Arrays.sort(keys);
        int[] order = Arrays.stream(keys).mapToInt(RankKeys::index).toArray();
        // -0 and +0 compare as floats do (bit order puts -0 below +0).
        assertEquals("[4, 1, 5, 3, 2, 0, 6]", Arrays.toString(order));
    }

    @Test
    void bucketsGetTheirOwnFigures() {
        // Clean queries sit on their class; strongly degraded ones sit on the other class.
        LabeledEmbeddings refs = LabeledEmbeddings.of(new float[][] {{1, 0}, {1, 0.1f}, {0, 1}, {0.1f, 1}},
                new int[] {0, 0, 1, 1});
        LabeledEmbeddings queries = LabeledEmbeddings.of(new float[][] {{1, 0.05f}, {0.05f, 1}, {0, 1}, {1, 0}},
                        new int[] {0, 1, 0, 1})
                .withBuckets(new QualityBucket[] {QualityBucket.CLEAN, QualityBucket.CLEAN, QualityBucket.STRONG,
                        QualityBucket.STRONG})
                .withQualities(new float[] {1f, 0.9f, 0.2f, 0.1f});
        EvaluationReport report = RetrievalEvaluator.withDefaults().evaluate(queries, refs);
        assertEquals(0.5, report.overall().precisionAt1());
        assertEquals(1.0, report.subset("clean").orElseThrow().precisionAt1());
        assertEquals(0.0, report.subset("strong").orElseThrow().precisionAt1());
        assertEquals(0.0, report.subset("strong").orElseThrow().mapAtR().getAsDouble());
        assertEquals(0.0, report.subset("degraded").orElseThrow().precisionAt1());
        assertFalse(report.subset("mild").isPresent());
        assertEquals("[all, clean, strong, degraded]", report.figuresBySubset().keySet().toString());
        assertTrue(report.overall().normQualitySpearman().isEmpty() || Double.isFinite(
                report.overall().normQualitySpearman().getAsDouble()));
    }

    @Test
    void bucketsFollowTheSeverity() {
        assertEquals(QualityBucket.CLEAN, QualityBucket.ofSeverity(0, QualityBucket.DEFAULT_STRONG_FROM));
        assertEquals(QualityBucket.MILD, QualityBucket.ofSeverity(0.3, QualityBucket.DEFAULT_STRONG_FROM));
        assertEquals(QualityBucket.STRONG, QualityBucket.ofSeverity(0.6, QualityBucket.DEFAULT_STRONG_FROM));
        assertEquals(QualityBucket.STRONG, QualityBucket.ofSeverity(1.0, QualityBucket.DEFAULT_STRONG_FROM));
    }

    @Test
    void effectiveRankAndNormQualityCorrelationComeFromTheWindowMetrics() {
        Random rng = new Random(5);
        int n = 400;
        int d = 16;
        float[] x = new float[n * d];
        float[] q = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
            q[i] = rng.nextFloat();
            for (int k = 0; k < d; k++) {
                x[i * d + k] = (float) rng.nextGaussian() * (0.5f + q[i]); // norm grows with quality
            }
        }
        LabeledEmbeddings set = LabeledEmbeddings.of(x, n, d, labels).withQualities(q);
        SubsetMetrics all = RetrievalEvaluator.withDefaults().evaluate(set, set).overall();
        assertTrue(all.effectiveRank().getAsDouble() > 13 && all.effectiveRank().getAsDouble() <= 16,
                "isotropic d=16: " + all.effectiveRank());
        assertTrue(all.normQualitySpearman().getAsDouble() > 0.7, "norm tracks quality: " + all.normQualitySpearman());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> LabeledEmbeddings.of(new float[] {1, Float.NaN}, 2, 1, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> LabeledEmbeddings.of(new float[] {1, 2}, 2, 1, new int[] {0}));
        LabeledEmbeddings a = LabeledEmbeddings.of(new float[] {1, 2}, 1, 2, new int[] {0});
        LabeledEmbeddings b = LabeledEmbeddings.of(new float[] {1, 2, 3}, 1, 3, new int[] {0});
        assertThrows(IllegalArgumentException.class, () -> RetrievalEvaluator.withDefaults().evaluate(a, b));
    }

    @Test
    void spreadIsMeanAndSampleStandardDeviation() {
        Spread s = Spread.of(1, 2, 3, 4);
        assertEquals(2.5, s.mean(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3), s.std(), 1e-12);
        assertEquals(1, s.min());
        assertEquals(4, s.max());
        assertEquals(0, Spread.of(7).std());
        assertEquals("2.50 ± 1.29", s.format(2));
    }
}
