package io.embedstream.model.metrics.drift;

import io.embedstream.model.random.Rng;
import java.util.Arrays;
import java.util.Objects;

/**
 * The fixed reference sample a drift detector compares the stream with: {@code n} embeddings of dimension
 * {@code d} (row-major) and, optionally, their class labels.
 *
 * <p>Immutable: arrays are copied on the way in and never handed out. Unlike a stream window, a reference
 * must be clean: a non-finite value or a negative label is rejected with a sentence naming the row.
 */
public final class ReferenceSample {
    private final float[] data;
    private final int n;
    private final int d;
    private final int[] labels;

    private ReferenceSample(float[] data, int n, int d, int[] labels) {
        this.data = data;
        this.n = n;
        this.d = d;
        this.labels = labels;
    }

    /** A reference without labels; every row must have the same length. */
    public static ReferenceSample of(float[][] rows) {
        return of(rows, null);
    }

    /**
     * A reference with one class label per row ({@code labels} may be {@code null}).
     *
     * @throws IllegalArgumentException if there are no rows, rows differ in length, a value is not finite,
     *                                  or the labels do not match the rows
     */
    public static ReferenceSample of(float[][] rows, int[] labels) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("the reference sample has no rows");
        }
        Objects.requireNonNull(rows[0], "reference row 0");
        int d = rows[0].length;
        float[] flat = new float[Math.multiplyExact(rows.length, d)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) {
                throw new NullPointerException("reference row " + i + " is null");
            }
            if (rows[i].length != d) {
                throw new IllegalArgumentException("reference row " + i + " has length " + rows[i].length
                        + ", row 0 has " + d);
            }
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        return ofFlat(flat, rows.length, d, labels);
    }

    /** A reference from a row-major array of {@code n * d} values; {@code labels} may be {@code null}. */
    public static ReferenceSample ofFlat(float[] data, int n, int d, int[] labels) {
        Objects.requireNonNull(data, "data");
        if (n < 1) {
            throw new IllegalArgumentException("the reference sample needs at least one row, got n = " + n);
        }
        if (d < 1) {
            throw new IllegalArgumentException("the embedding dimension must be >= 1, got d = " + d);
        }
        if ((long) n * d != data.length) {
            throw new IllegalArgumentException("reference data has " + data.length + " values, expected n*d = "
                    + n + "*" + d);
        }
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException("reference row " + (i / d) + " has the non-finite value " + data[i]
                        + " in column " + (i % d) + "; drop such rows before building the reference");
            }
        }
        int[] l = null;
        if (labels != null) {
            if (labels.length != n) {
                throw new IllegalArgumentException("the reference has " + n + " rows but " + labels.length + " labels");
            }
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0) {
                    throw new IllegalArgumentException("reference label of row " + i + " is negative: " + labels[i]);
                }
            }
            l = labels.clone();
        }
        return new ReferenceSample(data.clone(), n, d, l);
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

    /** The rows of one class, as a new unlabelled reference; {@code null} if the class has no rows. */
    ReferenceSample classRows(int label) {
        int count = 0;
        for (int y : labels) {
            if (y == label) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        float[] out = new float[count * d];
        int r = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] == label) {
                System.arraycopy(data, i * d, out, r * d, d);
                r++;
            }
        }
        return new ReferenceSample(out, count, d, null);
    }

    // Zero-copy views for the detectors in this package, which never write to them.
    float[] rawData() {
        return data;
    }

    int[] rawLabels() {
        return labels;
    }

    /** A 64-bit digest of the values and labels, so that a checkpoint can tell whether it fits this reference. */
    long fingerprint() {
        long h = 0x9E3779B97F4A7C15L * n + d;
        for (float v : data) {
            h = Rng.mix(h ^ Float.floatToIntBits(v));
        }
        if (labels != null) {
            h = Rng.mix(h ^ 0x5DEECE66DL);
            for (int y : labels) {
                h = Rng.mix(h ^ y);
            }
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceSample r && n == r.n && d == r.d && Arrays.equals(data, r.data)
                && Arrays.equals(labels, r.labels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "ReferenceSample[n=" + n + ", d=" + d + ", labels=" + (labels != null) + "]";
    }
}
