package io.embedstream.serving;

import io.embedstream.connectors.model.ModelManifest;
import java.util.List;
import java.util.Optional;

/**
 * The class directions a manifest publishes ({@code extras.class_centroids}: one unit vector per class, the CM
 * class weights), and the nearest one to an embedding by cosine distance. When the manifest names its classes
 * ({@code extras.class_names}, a stream with {@code classes.names}), only named classes are candidates: an index
 * without a name is a row no class has trained yet.
 */
public final class ClassCentroids {
    private final float[][] unit;
    /** Entry c the name of class c, null where unknown; null when the manifest names no class. */
    private final String[] names;

    private ClassCentroids(float[][] unit, String[] names) {
        this.unit = unit;
        this.names = names;
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
        List<String> named = manifest.classNames();
        if (named.isEmpty() || named.stream().allMatch(java.util.Objects::isNull)) {
            return Optional.of(new ClassCentroids(unit, null));
        }
        if (named.size() != rows.size()) {
            throw new IllegalArgumentException("class_names of version " + manifest.version() + " has "
                    + named.size() + " entries for " + rows.size() + " class centroids");
        }
        return Optional.of(new ClassCentroids(unit, named.toArray(new String[0])));
    }

    /** Whether the manifest names its classes. */
    public boolean named() {
        return names != null;
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
            if (names != null && names[c] == null) {
                continue;
            }
            double dot = 0;
            for (int j = 0; j < embedding.length; j++) {
                dot += (double) embedding[j] * unit[c][j];
            }
            if (dot * inv > bestCos) {
                bestCos = dot * inv;
                best = c;
            }
        }
        return new Nearest(best, Math.max(0, 1 - bestCos), names == null ? null : names[best]);
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
     * @param name     its name, when the manifest names its classes; null otherwise
     */
    public record Nearest(int label, double distance, String name) {}
}
