package io.embedstream.model.eval;

import io.embedstream.model.data.corruption.Corruption;
import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Precision@1 of the test images under each {@link Corruption} kind and level, against clean references: the
 * queries are the test split corrupted, the gallery is the clean train split, as in {@code eval}'s clean figures,
 * so a cell says how often a corrupted image still finds a training image of its class first. P@1 is the
 * {@link RetrievalEvaluator}'s (same {@link NeighbourRetrieval}); the other figures are left out because 15 extra
 * query sets would multiply the evaluation time by k-means and ranking costs nobody reads here.
 */
public final class CorruptionEvaluator {
    private final SimilarityMetric metric;
    private final long seed;

    /**
     * @param metric how neighbours are ranked
     * @param seed   seed of the corruptions' random choices: keep it fixed across the models being compared, so
     *               they are measured on the same corrupted images
     */
    public CorruptionEvaluator(SimilarityMetric metric, long seed) {
        this.metric = Objects.requireNonNull(metric, "metric");
        this.seed = seed;
    }

    /**
     * @param embed      the model under test: images to one embedding row each
     * @param test       the clean test images (the queries before corruption)
     * @param references the clean gallery's embeddings with their labels
     * @param kinds      the corruptions to run, each at every level
     */
    public CorruptionReport evaluate(Function<List<LabeledImage>, float[][]> embed, List<LabeledImage> test,
                                     LabeledEmbeddings references, CorruptionSet kinds) {
        Objects.requireNonNull(embed, "embed");
        Objects.requireNonNull(references, "references");
        Objects.requireNonNull(kinds, "kinds");
        if (test.isEmpty()) {
            throw new IllegalArgumentException("a corruption evaluation needs test images");
        }
        int[] labels = test.stream().mapToInt(LabeledImage::label).toArray();
        double clean = precisionAt1(embed.apply(test), labels, references);
        List<CorruptionReport.Cell> cells = new ArrayList<>();
        for (Corruption kind : kinds.kinds()) {
            for (int level = 1; level <= Corruption.LEVELS; level++) {
                float[][] rows = embed.apply(kind.apply(test, level, seed));
                cells.add(new CorruptionReport.Cell(kind, level, precisionAt1(rows, labels, references)));
            }
        }
        return new CorruptionReport(test.size(), metric, seed, clean, cells);
    }

    private double precisionAt1(float[][] rows, int[] labels, LabeledEmbeddings references) {
        boolean[] hits = NeighbourRetrieval.run(LabeledEmbeddings.of(rows, labels), references, metric, true).hitAt1();
        int n = 0;
        for (boolean h : hits) {
            n += h ? 1 : 0;
        }
        return n / (double) hits.length;
    }
}
