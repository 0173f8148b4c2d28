package io.embedstream.serving;

import io.embedstream.connectors.model.ModelManifest;
import java.util.List;
import java.util.Optional;

/**
 * The class directions a manifest publishes ({@code extras.class_centroids}: one unit vector per class, the CM
 * class weights), and the nearest one to an embedding by cosine distance.
 */
public final class ClassCentroids {
    private final float[][] unit;

    private ClassCentroids(float[][] unit) {
        this.unit = unit;
    }

    /**
     * The centroids of a manifest, or empty if it has none.
     *
     * @throws IllegalArgumentException if they are malformed (not numbers, or of another length than the embedding)
     */
    public static Optional<ClassCentroids> of(ModelManifest manifest) {
        Object raw = manifest.extras().get("class_centroids");
        if (!(raw instanceof List<?> rows) || rows.isEmpty()) {
            return Optional.empty();
        }
        float[][] unit = new float[rows.size()][];
        for (int c = 0; c < rows.size(); c++) {
            if (!(rows.get(c) instanceof List<?> row) || row.size() != manifest.embeddingSize()) {
                throw new IllegalArgumentException("class_centroids of version " + manifest.version() + ": row " + c
                        + " is not a list of " + manifest.embeddingSize() + " numbers");
            }
            unit[c] = normalized(row, manifest.version(), c);
        }
        return Optional.of(new ClassCentroids(unit));
    }

    public int classes() {
        return unit.length;
    }

    /** The class whose direction is closest to {@code embedding}, with the cosine distance 1 - cos in [0, 2]. */
    public Nearest nearest(float[] embedding) {
        double norm = 0;
        for (float v : embedding) {
            norm += (double) v * v;
        }
        double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        int best = 0;
        double bestCos = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < unit.length; c++) {
            double dot = 0;
            for (int j = 0; j < embedding.length; j++) {
                dot += (double) embedding[j] * unit[c][j];
            }
            if (dot * inv > bestCos) {
                bestCos = dot * inv;
                best = c;
            }
        }
        return new Nearest(best, Math.max(0, 1 - bestCos));
    }

    private static float[] normalized(List<?> row, long version, int c) {
        float[] v = new float[row.size()];
        double norm = 0;
        for (int j = 0; j < v.length; j++) {
            if (!(row.get(j) instanceof Number n)) {
                throw new IllegalArgumentException("class_centroids of version " + version + ": row " + c
                        + " holds a non-number");
            }
            v[j] = n.floatValue();
            norm += (double) v[j] * v[j];
        }
        double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) (v[j] * inv);
        }
        return v;
    }

    /**
     * @param label    the nearest class
     * @param distance cosine distance 1 - cos(embedding, class direction)
     */
    public record Nearest(int label, double distance) {}
}
