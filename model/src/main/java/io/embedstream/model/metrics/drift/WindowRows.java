package io.embedstream.model.metrics.drift;

import java.util.Objects;

/** Read-only access to a stream window's rows, whatever their layout; labels may be null. */
abstract class WindowRows {
    final int n;
    final int d;
    final int[] labels;

    private WindowRows(int n, int d, int[] labels) {
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException("the window has " + n + " rows but " + labels.length + " labels");
        }
        this.n = n;
        this.d = d;
        this.labels = labels;
    }

    abstract float get(int row, int col);

    boolean finite(int row) {
        for (int j = 0; j < d; j++) {
            if (!Float.isFinite(get(row, j))) {
                return false;
            }
        }
        return true;
    }

    /** Copies row {@code row} times {@code scale} into dst at row offset {@code dstRow}. */
    void copyScaled(int row, double scale, float[] dst, int dstRow) {
        int off = dstRow * d;
        for (int j = 0; j < d; j++) {
            dst[off + j] = (float) (get(row, j) * scale);
        }
    }

    static WindowRows of(float[][] rows, int[] labels, int expectedD) {
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
        return new WindowRows(rows.length, expectedD, labels) {
            @Override
            float get(int row, int col) {
                return rows[row][col];
            }

            @Override
            void copyScaled(int row, double scale, float[] dst, int dstRow) {
                float[] r = rows[row];
                int off = dstRow * d;
                for (int j = 0; j < d; j++) {
                    dst[off + j] = (float) (r[j] * scale);
                }
            }
        };
    }

    static WindowRows ofFlat(float[] data, int n, int d, int[] labels, int expectedD) {
        Objects.requireNonNull(data, "data");
        if (d != expectedD) {
            throw new IllegalArgumentException("the window has d = " + d + ", the reference has d = " + expectedD);
        }
        if ((long) n * d != data.length) {
            throw new IllegalArgumentException("window data has " + data.length + " values, expected n*d = " + n + "*" + d);
        }
        return new WindowRows(n, d, labels) {
            @Override
            float get(int row, int col) {
                return data[row * d + col];
            }
        };
    }
}
