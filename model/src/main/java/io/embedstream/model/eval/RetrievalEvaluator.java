package io.embedstream.model.eval;

import io.embedstream.model.metrics.EmbeddingWindow;
import io.embedstream.model.metrics.MetricsConfig;
import io.embedstream.model.metrics.NormMetrics;
import io.embedstream.model.metrics.WindowMetrics;
import io.embedstream.model.metrics.WindowReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Evaluates the embeddings of a query set (e.g. the test split) against a reference set (e.g. the train split):
 * Precision@1, R-precision and MAP@R over all neighbours ({@link NeighbourRetrieval}), nearest-centroid accuracy,
 * NMI of a k-means clustering of the queries, effective rank and norm/quality rank correlation (computed by
 * {@link WindowMetrics}, the same code as the streaming metrics), each over all queries, per
 * {@link QualityBucket} and over all degraded queries when the queries carry buckets.
 *
 * <p>Cost: the similarity of every query with every reference in blocked float dot products (2,000 x 8,000 at
 * d = 128 is 2 GFLOP), a linear-time selection of each query's R nearest, then a sort of those R only.
 * Thread-safe; with {@code parallel} (default) the queries are spread over the common fork-join pool.
 */
public final class RetrievalEvaluator {
    private final SimilarityMetric metric;
    private final int kMeansRestarts;
    private final int kMeansIterations;
    private final long seed;
    private final boolean parallel;
    private final WindowMetrics windowMetrics;

    private RetrievalEvaluator(Builder b) {
        this.metric = b.metric;
        this.kMeansRestarts = b.kMeansRestarts;
        this.kMeansIterations = b.kMeansIterations;
        this.seed = b.seed;
        this.parallel = b.parallel;
        this.windowMetrics = new WindowMetrics(MetricsConfig.builder().seed(b.seed).build(),
                io.embedstream.model.metrics.DriftConfig.defaults());
    }

    public static Builder builder() {
        return new Builder();
    }

    public static RetrievalEvaluator withDefaults() {
        return builder().build();
    }

    /**
     * Whether each query's nearest reference has the query's class, in query order: Precision@1 query by query,
     * without the report's other figures (no clustering, no window metrics).
     */
    public boolean[] hitsAt1(LabeledEmbeddings queries, LabeledEmbeddings references) {
        Objects.requireNonNull(queries, "queries");
        Objects.requireNonNull(references, "references");
        return NeighbourRetrieval.run(queries, references, metric, parallel).hitAt1();
    }

    public EvaluationReport evaluate(LabeledEmbeddings queries, LabeledEmbeddings references) {
        Objects.requireNonNull(queries, "queries");
        Objects.requireNonNull(references, "references");
        List<String> notes = new ArrayList<>();
        NeighbourRetrieval.Results retrieval = NeighbourRetrieval.run(queries, references, metric, parallel);
        boolean[] centroidHit = nearestCentroid(queries, references);
        int[] clusters = cluster(queries);
        int all = queries.n();
        int[] everything = new int[all];
        for (int i = 0; i < all; i++) {
            everything[i] = i;
        }
        SubsetMetrics overall = subset(EvaluationReport.ALL, everything, queries, retrieval, centroidHit, clusters);
        List<SubsetMetrics> subsets = new ArrayList<>();
        subsets.add(overall);
        if (queries.hasBuckets()) {
            QualityBucket[] b = queries.rawBuckets();
            for (QualityBucket bucket : QualityBucket.values()) {
                int[] members = IntStream.range(0, all).filter(i -> b[i] == bucket).toArray();
                if (members.length > 0) {
                    subsets.add(subset(bucket.label(), members, queries, retrieval, centroidHit, clusters));
                }
            }
            int[] degraded = IntStream.range(0, all).filter(i -> b[i] != QualityBucket.CLEAN).toArray();
            if (degraded.length > 0 && degraded.length < all) {
                subsets.add(subset(EvaluationReport.DEGRADED, degraded, queries, retrieval, centroidHit, clusters));
            }
        }
        if (overall.queriesWithoutClass() > 0) {
            notes.add(overall.queriesWithoutClass() + " queries have a class with no reference; they count as misses"
                    + " for Precision@1 and centroid accuracy and are left out of R-precision and MAP@R");
        }
        if (!queries.hasQualities()) {
            notes.add("no quality scores given: norm/quality correlation unavailable");
        }
        return new EvaluationReport(metric, references.n(), references.d(), subsets, notes);
    }

    private SubsetMetrics subset(String name, int[] members, LabeledEmbeddings queries,
                                 NeighbourRetrieval.Results r, boolean[] centroidHit, int[] clusters) {
        int hits = 0;
        int centroidHits = 0;
        int withClass = 0;
        double rpSum = 0;
        double apSum = 0;
        int[] labels = new int[members.length];
        int[] assigned = new int[members.length];
        for (int m = 0; m < members.length; m++) {
            int i = members[m];
            hits += r.hitAt1()[i] ? 1 : 0;
            centroidHits += centroidHit[i] ? 1 : 0;
            if (!Double.isNaN(r.averagePrecision()[i])) {
                withClass++;
                rpSum += r.rPrecision()[i];
                apSum += r.averagePrecision()[i];
            }
            labels[m] = queries.label(i);
            assigned[m] = clusters[i];
        }
        int n = members.length;
        OptionalDouble rp = withClass > 0 ? OptionalDouble.of(rpSum / withClass) : OptionalDouble.empty();
        OptionalDouble map = withClass > 0 ? OptionalDouble.of(apSum / withClass) : OptionalDouble.empty();
        OptionalDouble rank = OptionalDouble.empty();
        OptionalDouble spearman = OptionalDouble.empty();
        if (n >= 2) {
            WindowReport report = windowMetrics.compute(window(queries, members));
            if (report.collapse().isPresent()) {
                rank = OptionalDouble.of(report.collapse().get().effectiveRank());
            }
            spearman = report.norms().map(NormMetrics::normQualitySpearman).orElse(OptionalDouble.empty());
        }
        return new SubsetMetrics(name, n, hits / (double) n, rp, map, n - withClass, centroidHits / (double) n,
                NormalizedMutualInformation.of(labels, assigned), rank, spearman);
    }

    private static EmbeddingWindow window(LabeledEmbeddings queries, int[] members) {
        int d = queries.d();
        float[] data = new float[members.length * d];
        float[] q = queries.hasQualities() ? new float[members.length] : null;
        float[] src = queries.rawData();
        for (int m = 0; m < members.length; m++) {
            System.arraycopy(src, members[m] * d, data, m * d, d);
            if (q != null) {
                q[m] = queries.rawQualities()[members[m]];
            }
        }
        return new EmbeddingWindow(data, members.length, d, null, q);
    }

    /** Whether each query's nearest class centroid (mean of the class's references) is its own class. */
    private boolean[] nearestCentroid(LabeledEmbeddings queries, LabeledEmbeddings references) {
        int d = references.d();
        int[] refLabels = references.rawLabels();
        int classes = NeighbourRetrieval.maxLabel(refLabels) + 1;
        float[] ref = metric == SimilarityMetric.COSINE
                ? SimilarityKernel.normalizedRows(references.rawData(), references.n(), d) : references.rawData();
        double[] sums = new double[classes * d];
        int[] counts = new int[classes];
        for (int i = 0; i < references.n(); i++) {
            counts[refLabels[i]]++;
            for (int j = 0; j < d; j++) {
                sums[refLabels[i] * d + j] += ref[i * d + j];
            }
        }
        List<Integer> present = new ArrayList<>();
        float[] centroids = new float[classes * d];
        for (int c = 0; c < classes; c++) {
            if (counts[c] > 0) {
                present.add(c);
                for (int j = 0; j < d; j++) {
                    centroids[c * d + j] = (float) (sums[c * d + j] / counts[c]);
                }
            }
        }
        int[] centroidLabels = present.stream().mapToInt(Integer::intValue).toArray();
        float[] packed = new float[centroidLabels.length * d];
        for (int p = 0; p < centroidLabels.length; p++) {
            System.arraycopy(centroids, centroidLabels[p] * d, packed, p * d, d);
        }
        SimilarityKernel kernel = new SimilarityKernel(packed, centroidLabels.length, d, metric);
        float[] prepared = kernel.prepareQueries(queries.rawData(), queries.n());
        float[] scores = new float[centroidLabels.length];
        boolean[] hit = new boolean[queries.n()];
        for (int i = 0; i < queries.n(); i++) {
            kernel.score(prepared, i, i + 1, scores);
            int best = 0;
            for (int p = 1; p < scores.length; p++) {
                if (scores[p] > scores[best]) {
                    best = p;
                }
            }
            hit[i] = centroidLabels[best] == queries.label(i);
        }
        return hit;
    }

    /** k-means of the queries (normalised for cosine), k = the number of classes among them. */
    private int[] cluster(LabeledEmbeddings queries) {
        TreeSet<Integer> classes = new TreeSet<>();
        for (int l : queries.rawLabels()) {
            classes.add(l);
        }
        float[] x = metric == SimilarityMetric.COSINE
                ? SimilarityKernel.normalizedRows(queries.rawData(), queries.n(), queries.d()) : queries.rawData();
        return new KMeans(classes.size(), kMeansRestarts, kMeansIterations, seed)
                .cluster(x, queries.n(), queries.d()).assignment();
    }

    /** Settings of a {@link RetrievalEvaluator}; defaults in brackets. */
    public static final class Builder {
        private SimilarityMetric metric = SimilarityMetric.COSINE;
        private int kMeansRestarts = 3;
        private int kMeansIterations = 100;
        private long seed = 42L;
        private boolean parallel = true;

        private Builder() {}

        /** How neighbours and centroids are compared [cosine]. */
        public Builder metric(SimilarityMetric v) {
            this.metric = Objects.requireNonNull(v, "metric");
            return this;
        }

        /** k-means++ restarts; the lowest inertia wins [3]. */
        public Builder kMeansRestarts(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("k-means restarts must be >= 1, got " + v);
            }
            this.kMeansRestarts = v;
            return this;
        }

        /** Lloyd iterations per restart at most [100]. */
        public Builder kMeansIterations(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("k-means iterations must be >= 1, got " + v);
            }
            this.kMeansIterations = v;
            return this;
        }

        /** Seed of k-means++ and of the window metrics' pair sampling [42]. */
        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        /** Spread the queries over the common fork-join pool [true]. */
        public Builder parallel(boolean v) {
            this.parallel = v;
            return this;
        }

        public RetrievalEvaluator build() {
            return new RetrievalEvaluator(this);
        }
    }
}
