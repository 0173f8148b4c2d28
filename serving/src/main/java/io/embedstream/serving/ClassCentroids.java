package io.embedstream.serving;

import io.embedstream.connectors.model.ClassTable;
import io.embedstream.connectors.model.ModelManifest;
import java.util.List;
import java.util.Optional;

/**
 * The class directions a version publishes (one unit vector per class, the CM class weights), and the nearest one to
 * an embedding by cosine distance. They come from the version's {@link ClassTable} (published beside the
 * parameters), or, for a version written before class tables were blobs of their own, from its manifest's extras
 * ({@code class_centroids}, and {@code class_names} when the stream named its classes). When the classes are named,
 * only named classes are candidates: an index without a name is a row no class has trained yet.
 */
public final class ClassCentroids {
    private final float[][] unit;
    /** Entry c the name of class c, null where unknown; null when the version names no class. */
    private final String[] names;

    private ClassCentroids(float[][] unit, String[] names) {
        this.unit = unit;
        this.names = names;
    }

    /**
     * The centroids of a version: from its class table when it has one, otherwise from its manifest's inline extras;
     * empty if it has neither.
     *
     * @throws IllegalArgumentException if they are malformed (not numbers, of another length than the embedding, or
     *                                  names not parallel to the rows)
     */
    public static Optional<ClassCentroids> of(ModelManifest manifest, Optional<ClassTable> table) {
        return table.isPresent() ? Optional.of(fromTable(manifest, table.get())) : inline(manifest);
    }

    /** The centroids of a version without a class table blob: its manifest's inline extras, if any. */
    public static Optional<ClassCentroids> of(ModelManifest manifest) {
        return inline(manifest);
    }

    private static ClassCentroids fromTable(ModelManifest manifest, ClassTable table) {
        if (table.dimensions() != manifest.embeddingSize()) {
            throw new IllegalArgumentException("class table of version " + manifest.version() + " has rows of "
                    + table.dimensions() + " values for embeddings of " + manifest.embeddingSize());
        }
        float[] rows = table.rows();
        float[][] unit = new float[table.classes()][];
        for (int c = 0; c < unit.length; c++) {
            unit[c] = normalized(java.util.Arrays.copyOfRange(rows, c * table.dimensions(),
                    (c + 1) * table.dimensions()));
        }
        return new ClassCentroids(unit, names(table.names(), unit.length, manifest.version()));
    }

    private static Optional<ClassCentroids> inline(ModelManifest manifest) {
        Object raw = manifest.extras().get(ModelManifest.CLASS_CENTROIDS_EXTRA);
        if (!(raw instanceof List<?> rows) || rows.isEmpty()) {
            return Optional.empty();
        }
        float[][] unit = new float[rows.size()][];
        for (int c = 0; c < rows.size(); c++) {
            if (!(rows.get(c) instanceof List<?> row) || row.size() != manifest.embeddingSize()) {
                throw new IllegalArgumentException("class_centroids of version " + manifest.version() + ": row " + c
                        + " is not a list of " + manifest.embeddingSize() + " numbers");
            }
            unit[c] = normalized(numbers(row, manifest.version(), c));
        }
        return Optional.of(new ClassCentroids(unit, names(manifest.classNames(), unit.length, manifest.version())));
    }

    /** The names as an array, null when there are none (or none is known). */
    private static String[] names(List<String> named, int classes, long version) {
        if (named.isEmpty() || named.stream().allMatch(java.util.Objects::isNull)) {
            return null;
        }
        if (named.size() != classes) {
            throw new IllegalArgumentException("class_names of version " + version + " has " + named.size()
                    + " entries for " + classes + " class centroids");
        }
        return named.toArray(new String[0]);
    }

    /** Whether the version names its classes. */
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

    private static float[] numbers(List<?> row, long version, int c) {
        float[] v = new float[row.size()];
        for (int j = 0; j < v.length; j++) {
            if (!(row.get(j) instanceof Number n)) {
                throw new IllegalArgumentException("class_centroids of version " + version + ": row " + c
                        + " holds a non-number");
            }
            v[j] = n.floatValue();
        }
        return v;
    }

    /** {@code v} scaled to unit length, in place (a zero row stays zero). */
    private static float[] normalized(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
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
