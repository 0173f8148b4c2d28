package io.embedstream.model.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * A set of {@code n} embeddings of dimension {@code d} (row-major) with a class label each, and optionally a
 * quality score in [0, 1] and a {@link QualityBucket} each. Immutable: arrays are copied on the way in.
 * Every value must be finite: an evaluation of NaN embeddings would rank arbitrarily, so it is refused.
 */
public final class LabeledEmbeddings {
    private final float[] data;
    private final int n;
    private final int d;
    private final int[] labels;
    private final float[] qualities;
    private final QualityBucket[] buckets;

    private LabeledEmbeddings(float[] data, int n, int d, int[] labels, float[] qualities, QualityBucket[] buckets) {
        this.data = data;
        this.n = n;
        this.d = d;
        this.labels = labels;
        this.qualities = qualities;
        this.buckets = buckets;
    }

    /** From one array per row. */
    public static LabeledEmbeddings of(float[][] rows, int[] labels) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("an embedding set needs at least one row");
        }
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has length " + rows[i].length + ", expected " + d);
            }
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        return of(flat, rows.length, d, labels);
    }

    /** From row-major data of {@code n x d} values. */
    public static LabeledEmbeddings of(float[] data, int n, int d, int[] labels) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(labels, "labels");
        if (n < 1 || d < 1 || (long) n * d != data.length) {
            throw new IllegalArgumentException("need n >= 1 rows of d >= 1 values in " + data.length
                    + " values, got n=" + n + " d=" + d);
        }
        if (labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " embeddings");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label of row " + i + " is negative: " + labels[i]);
            }
        }
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException("embedding " + (i / d) + " has a non-finite value " + data[i]
                        + " (a diverged model?)");
            }
        }
        return new LabeledEmbeddings(data.clone(), n, d, labels.clone(), null, null);
    }

    /** This set with a quality score in [0, 1] per row. */
    public LabeledEmbeddings withQualities(float[] q) {
        Objects.requireNonNull(q, "qualities");
        if (q.length != n) {
            throw new IllegalArgumentException(q.length + " qualities for " + n + " embeddings");
        }
        for (int i = 0; i < n; i++) {
            if (!(q[i] >= 0f && q[i] <= 1f)) {
                throw new IllegalArgumentException("quality of row " + i + " is not in [0, 1]: " + q[i]);
            }
        }
        return new LabeledEmbeddings(data, n, d, labels, q.clone(), buckets);
    }

    /** This set with a quality bucket per row. */
    public LabeledEmbeddings withBuckets(QualityBucket[] b) {
        Objects.requireNonNull(b, "buckets");
        if (b.length != n) {
            throw new IllegalArgumentException(b.length + " quality buckets for " + n + " embeddings");
        }
        for (int i = 0; i < n; i++) {
            Objects.requireNonNull(b[i], "quality bucket of row " + i);
        }
        return new LabeledEmbeddings(data, n, d, labels, qualities, b.clone());
    }

    public int n() {
        return n;
    }

    public int d() {
        return d;
    }

    public int label(int i) {
        return labels[i];
    }

    public boolean hasQualities() {
        return qualities != null;
    }

    public boolean hasBuckets() {
        return buckets != null;
    }

    /** A copy of the labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** A copy of the row-major data. */
    public float[] data() {
        return data.clone();
    }

    // Zero-copy views for the evaluator, which never writes to them.
    float[] rawData() {
        return data;
    }

    int[] rawLabels() {
        return labels;
    }

    float[] rawQualities() {
        return qualities;
    }

    QualityBucket[] rawBuckets() {
        return buckets;
    }

    @Override
    public String toString() {
        return "LabeledEmbeddings[n=" + n + ", d=" + d + ", qualities=" + (qualities != null) + ", buckets="
                + (buckets != null ? Arrays.stream(buckets).distinct().toList() : "none") + "]";
    }
}
