package io.embedstream.model.eval;

import java.util.stream.IntStream;

/**
 * Nearest-neighbour classification of embeddings by cosine similarity: each query takes the label of its most
 * similar reference. This is the held-out accuracy the trainer reports (kNN@1, test split against train split).
 */
public final class KnnEvaluator {
    private final float[][] reference;
    private final int[] referenceLabels;

    public KnnEvaluator(float[][] reference, int[] referenceLabels) {
        if (reference.length == 0 || reference.length != referenceLabels.length) {
            throw new IllegalArgumentException("need a non-empty reference set with one label per embedding, got "
                    + reference.length + " embeddings and " + referenceLabels.length + " labels");
        }
        this.reference = normalizeRows(reference);
        this.referenceLabels = referenceLabels.clone();
    }

    /** The predicted label (label of the nearest reference) of each query. */
    public int[] predict(float[][] queries) {
        float[][] q = normalizeRows(queries);
        return IntStream.range(0, q.length).parallel().map(i -> referenceLabels[nearest(q[i])]).toArray();
    }

    /** Fraction of queries whose nearest reference has the query's label. */
    public double accuracy(float[][] queries, int[] labels) {
        int[] predicted = predict(queries);
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return predicted.length == 0 ? Double.NaN : correct / (double) predicted.length;
    }

    private int nearest(float[] query) {
        int best = -1;
        double bestSimilarity = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < reference.length; r++) {
            float[] ref = reference[r];
            float dot = 0;
            for (int k = 0; k < ref.length; k++) {
                dot += ref[k] * query[k];
            }
            if (dot > bestSimilarity) {
                bestSimilarity = dot;
                best = r;
            }
        }
        return best;
    }

    private static float[][] normalizeRows(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double norm = 0;
            for (float v : rows[i]) {
                norm += v * v;
            }
            float inv = (float) (1 / Math.sqrt(norm + 1e-12));
            out[i] = new float[rows[i].length];
            for (int k = 0; k < rows[i].length; k++) {
                out[i][k] = rows[i][k] * inv;
            }
        }
        return out;
    }
}
