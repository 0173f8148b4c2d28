package io.embedstream.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Constants for arithmetic on arrays that autograd differentiates later. Use {@code x.mul(GraphConstant.of(x, 2f))},
 * never DJL's {@code x.mul(2f)}, in a loss.
 *
 * <p>Why: DJL's {@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)} and the rest wrap the constant in
 * a scalar tensor that borrows a direct buffer's memory, and close that tensor as soon as the operation returns.
 * PyTorch's graph still points at the memory for the backward pass. Once the garbage collector frees the buffer
 * and the memory is reused, backward reads whatever is there ({@code GradientAfterGarbageCollectionTest} makes
 * that happen). A step whose gradient overflows is skipped by the trainer; a smaller error would pass unseen. The
 * array made here belongs to the operand's manager, so it lives until that manager, or the training step's scope,
 * closes, which is after backward.
 */
final class GraphConstant {
    private GraphConstant() {}

    /**
     * {@code value} as a scalar array of {@code like}'s manager. Filled on the device ({@code full}), not copied
     * from the host: on a GPU an upload from pageable memory waits for the device's queue to drain.
     */
    static NDArray of(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, DataType.FLOAT32);
    }
}
