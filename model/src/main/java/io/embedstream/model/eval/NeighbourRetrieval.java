package io.embedstream.model.eval;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Per-query retrieval figures of a query set against a reference set, over every reference (no fixed k):
 * for a query of class c, R = the number of references of class c, and
 * <ul>
 *   <li>hit@1: the nearest reference has class c;</li>
 *   <li>R-precision: the share of class c among the R nearest references;</li>
 *   <li>AP@R (Musgrave et al., 2020, "A metric learning reality check"):
 *       {@code (1/R) sum_{i=1..R} rel(i) * P(i)}, with P(i) the precision among the i nearest;
 *       its mean over queries is MAP@R.</li>
 * </ul>
 * Because R comes from the query's own class, the figures are right for classes of any size. A query whose class
 * has no reference (R = 0) has neither R-precision nor AP@R (NaN here; the report counts and excludes it).
 */
final class NeighbourRetrieval {
    /** Queries scored together against one cached reference block. */
    static final int QUERY_GROUP = 16;

    private NeighbourRetrieval() {}

    /** Per-query figures, in query order. */
    record Results(boolean[] hitAt1, double[] rPrecision, double[] averagePrecision) {}

    static Results run(LabeledEmbeddings queries, LabeledEmbeddings references, SimilarityMetric metric,
                       boolean parallel) {
        if (queries.d() != references.d()) {
            throw new IllegalArgumentException("queries have dimension " + queries.d() + ", references "
                    + references.d());
        }
        int n = references.n();
        int m = queries.n();
        int[] refLabels = references.rawLabels();
        int[] perClass = classCounts(refLabels, Math.max(maxLabel(refLabels), maxLabel(queries.rawLabels())) + 1);
        SimilarityKernel kernel = new SimilarityKernel(references.rawData(), n, references.d(), metric);
        float[] prepared = kernel.prepareQueries(queries.rawData(), m);
        boolean[] hit = new boolean[m];
        double[] rp = new double[m];
        double[] ap = new double[m];
        int groups = (m + QUERY_GROUP - 1) / QUERY_GROUP;
        IntStream range = IntStream.range(0, groups);
        (parallel ? range.parallel() : range).forEach(g -> {
            int from = g * QUERY_GROUP;
            int to = Math.min(m, from + QUERY_GROUP);
            float[] scores = new float[(to - from) * n];
            long[] keys = new long[n];
            kernel.score(prepared, from, to, scores);
            for (int i = from; i < to; i++) {
                int label = queries.label(i);
                int offset = (i - from) * n;
                for (int j = 0; j < n; j++) {
                    keys[j] = RankKeys.key(scores[offset + j], j);
                }
                int r = perClass[label];
                if (r == 0) {
                    long best = Long.MAX_VALUE;
                    for (long k : keys) {
                        best = Math.min(best, k);
                    }
                    hit[i] = refLabels[RankKeys.index(best)] == label;
                    rp[i] = Double.NaN;
                    ap[i] = Double.NaN;
                    continue;
                }
                RankKeys.selectSmallest(keys, n, r - 1);
                Arrays.sort(keys, 0, r);
                int hits = 0;
                double precisionSum = 0;
                for (int rank = 0; rank < r; rank++) {
                    if (refLabels[RankKeys.index(keys[rank])] == label) {
                        hits++;
                        precisionSum += hits / (double) (rank + 1);
                    }
                }
                hit[i] = refLabels[RankKeys.index(keys[0])] == label;
                rp[i] = hits / (double) r;
                ap[i] = precisionSum / r;
            }
        });
        return new Results(hit, rp, ap);
    }

    static int maxLabel(int[] labels) {
        int max = 0;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max;
    }

    static int[] classCounts(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }
}
