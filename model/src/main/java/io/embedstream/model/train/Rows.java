package io.embedstream.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/** Resizing a matrix along its first axis, for the class weights and their optimiser state. */
final class Rows {
    private Rows() {}

    /**
     * A new array of {@code rows} rows in {@code array}'s manager: its first rows copied (as many as both have), the
     * others zero. Kept out of any open {@link NDScope}: it outlives the caller. The caller closes the old array.
     */
    static NDArray resize(NDArray array, long rows) {
        Shape shape = array.getShape();
        long have = shape.get(0);
        NDArray resized;
        if (rows > have) {
            try (NDArray zeros = array.getManager().zeros(new Shape(rows - have, shape.get(1)), array.getDataType())) {
                resized = array.concat(zeros, 0);
            }
        } else {
            try (NDArray head = array.get(new NDIndex("0:" + rows))) {
                resized = head.duplicate();
            }
        }
        NDScope.unregister(resized);
        return resized;
    }
}
