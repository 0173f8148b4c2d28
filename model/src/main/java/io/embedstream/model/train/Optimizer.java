package io.embedstream.model.train;

import ai.djl.ndarray.NDArray;
import io.embedstream.model.net.NamedArray;
import java.util.List;

/**
 * A first-order optimiser whose state we hold ourselves (DJL's optimisers keep their moments private, so they
 * cannot be checkpointed). Updates run in place, outside any gradient collector.
 */
public interface Optimizer {

    String name();

    /**
     * One update of every parameter.
     *
     * @param gradScale factor applied to every gradient first (gradient-norm clipping)
     * @param step 1-based index of this update (bias correction)
     */
    void update(List<NDArray> parameters, List<NDArray> gradients, float learningRate, float gradScale, long step);

    /**
     * Parameter {@code index} now has {@code rows} rows along its first axis (the class weights grow as classes
     * arrive): its state keeps the rows it had (as many as fit) and starts the others at zero, as for a parameter
     * that has had no gradient yet. Replaces the state's arrays, so read {@link #state()} again after.
     */
    void resizeRows(int index, long rows);

    /** Every state tensor (moments), in a stable order, for checkpoints. */
    List<NamedArray> state();
}
