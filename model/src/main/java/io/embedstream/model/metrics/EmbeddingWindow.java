package io.embedstream.model.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * A window of {@code n} embeddings of dimension {@code d}, stored row-major, with optional class labels
 * and optional per-sample quality scores.
 *
 * <p>Immutable: arrays are copied on the way in and on the way out. Shape errors, labels below zero and
 * qualities outside [0, 1] are rejected here with an {@link IllegalArgumentException}; non-finite
 * embedding values are accepted (they arrive from a stream and are a fact about the data) and are
 * handled by the metric computations, which drop such rows and say so in the report.
 */
public final class EmbeddingWindow {
    private final float[] data;
    private final int n;
    private final int d;
    private final int[] labels;
    private final float[] qualities;

    /**
     * @param data      row-major embeddings, length {@code n * d}
     * @param n         number of embeddings (may be 0)
     * @param d         embedding dimension, at least 1
     * @param labels    class label per row, each {@code >= 0}, or {@code null}
     * @param qualities quality per row in [0, 1], or {@code null}
     */
    public EmbeddingWindow(float[] data, int n, int d, int[] labels, float[] qualities) {
        Objects.requireNonNull(data, "data");
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (d < 1) {
            throw new IllegalArgumentException("embedding dimension d must be >= 1, got " + d);
        }
        if ((long) n * d != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " values, expected n*d = " + n + "*" + d);
        }
        if (labels != null) {
            if (labels.length != n) {
                throw new IllegalArgumentException("labels has " + labels.length + " entries, expected n = " + n);
            }
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0) {
                    throw new IllegalArgumentException("label of row " + i + " is negative: " + labels[i]);
                }
            }
        }
        if (qualities != null) {
            if (qualities.length != n) {
                throw new IllegalArgumentException("qualities has " + qualities.length + " entries, expected n = " + n);
            }
            for (int i = 0; i < n; i++) {
                float q = qualities[i];
                if (!(q >= 0f && q <= 1f)) {
                    throw new IllegalArgumentException("quality of row " + i + " is not in [0, 1]: " + q);
                }
            }
        }
        this.data = data.clone();
        this.n = n;
        this.d = d;
        this.labels = labels == null ? null : labels.clone();
        this.qualities = qualities == null ? null : qualities.clone();
    }

    /** A window without labels or qualities. */
    public static EmbeddingWindow of(float[] data, int n, int d) {
        return new EmbeddingWindow(data, n, d, null, null);
    }

    /** A window from one array per row; all rows must have the same length. */
    public static EmbeddingWindow ofRows(float[][] rows, int[] labels, float[] qualities) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("ofRows cannot infer the dimension of an empty window; use the constructor");
        }
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has length " + rows[i].length + ", expected " + d);
            }
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        return new EmbeddingWindow(flat, rows.length, d, labels, qualities);
    }

    public int n() {
        return n;
    }

    public int d() {
        return d;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    public boolean hasQualities() {
        return qualities != null;
    }

    /** A copy of the row-major data. */
    public float[] data() {
        return data.clone();
    }

    /** A copy of the labels, or {@code null}. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** A copy of the qualities, or {@code null}. */
    public float[] qualities() {
        return qualities == null ? null : qualities.clone();
    }

    /** Value of row {@code i}, column {@code j}. */
    public float get(int i, int j) {
        return data[i * d + j];
    }

    // Package-private zero-copy views for the metric code, which never writes to them.
    float[] rawData() {
        return data;
    }

    int[] rawLabels() {
        return labels;
    }

    float[] rawQualities() {
        return qualities;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmbeddingWindow w && n == w.n && d == w.d && Arrays.equals(data, w.data)
                && Arrays.equals(labels, w.labels) && Arrays.equals(qualities, w.qualities);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(data) + Arrays.hashCode(labels)) + Arrays.hashCode(qualities);
    }

    @Override
    public String toString() {
        return "EmbeddingWindow[n=" + n + ", d=" + d + ", labels=" + (labels != null) + ", qualities=" + (qualities != null) + "]";
    }
}
