package io.embedstream.model.loss;

import ai.djl.ndarray.NDArray;

/** One term of the training objective: a differentiable scalar of a batch. */
public interface EmbeddingLoss {

    /** Stable name, used for the per-component values reported at every step (e.g. {@code cm}). */
    String name();

    /** The scalar loss of the batch; gradients flow to the embeddings and the class weights. */
    NDArray evaluate(LossInput input);
}
