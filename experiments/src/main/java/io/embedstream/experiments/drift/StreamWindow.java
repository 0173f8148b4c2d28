package io.embedstream.experiments.drift;

import java.util.Objects;

/**
 * One window of the simulated stream.
 *
 * @param rows         the embeddings
 * @param labels       their class labels
 * @param shiftedRows  how many rows come from the new distribution (0 before the switch and for a label shift)
 */
public record StreamWindow(float[][] rows, int[] labels, int shiftedRows) {
    public StreamWindow {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(labels, "labels");
        if (rows.length != labels.length) {
            throw new IllegalArgumentException(rows.length + " rows but " + labels.length + " labels");
        }
    }

    public int size() {
        return rows.length;
    }

    /** Share of the rows from the new distribution. */
    public double shiftedShare() {
        return rows.length == 0 ? 0 : (double) shiftedRows / rows.length;
    }
}
