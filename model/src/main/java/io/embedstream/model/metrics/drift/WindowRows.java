package io.embedstream.model.metrics.drift;

import java.util.Objects;

/** A stream window's rows, checked against the reference's dimension; labels may be null. */
final class WindowRows {
    final int n;
    final int d;
    final int[] labels;
    private final float[][] rows;

    private WindowRows(float[][] rows, int d, int[] labels) {
        if (labels != null && labels.length != rows.length) {
            throw new IllegalArgumentException("the window has " + rows.length + " rows but " + labels.length + " labels");
        }
        this.n = rows.length;
        this.d = d;
        this.labels = labels;
        this.rows = rows;
    }

    static WindowRows of(float[][] rows, int[] labels, int expectedD) {
        checkRows(rows, expectedD);
        return new WindowRows(rows, expectedD, labels);
    }

    /**
     * Checks a labelled window before any detector sees it, so that a bad window is rejected whole instead of
     * after some detectors have advanced: every row present and of length {@code expectedD}, one label per row,
     * no negative label.
     */
    static void checkLabelled(float[][] rows, int[] labels, int expectedD) {
        checkRows(rows, expectedD);
        Objects.requireNonNull(labels, "labels");
        if (labels.length != rows.length) {
            throw new IllegalArgumentException("the window has " + rows.length + " rows but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label of window row " + i + " is negative: " + labels[i]);
            }
        }
    }

    private static void checkRows(float[][] rows, int expectedD) {
        Objects.requireNonNull(rows, "rows");
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) {
                throw new NullPointerException("window row " + i + " is null");
            }
            if (rows[i].length != expectedD) {
                throw new IllegalArgumentException("window row " + i + " has length " + rows[i].length
                        + ", the reference has d = " + expectedD);
            }
        }
    }

    boolean finite(int row) {
        for (float v : rows[row]) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Copies row {@code row} times {@code scale} into dst at row offset {@code dstRow}. */
    void copyScaled(int row, double scale, float[] dst, int dstRow) {
        float[] r = rows[row];
        int off = dstRow * d;
        for (int j = 0; j < d; j++) {
            dst[off + j] = (float) (r[j] * scale);
        }
    }
}
