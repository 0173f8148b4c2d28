package io.embedstream.model.loss;

import ai.djl.ndarray.NDArray;

/**
 * Backward-compatible training (BCT, Shen et al. 2020): the new embeddings scored by the class weights of the
 * previous (published) version, held constant, with the same margin softmax as the main term. Minimising it keeps the
 * new embeddings where the old classifier, and so an index embedded by the old version, expects each class.
 *
 * <p>Without reference weights in the input (no previous version yet) the term is 0 and has no gradient.
 */
public record BctLoss(CmSoftmaxLoss cm) implements EmbeddingLoss, java.io.Serializable {

    @Override
    public String name() {
        return "bct";
    }

    @Override
    public NDArray evaluate(LossInput input) {
        NDArray reference = input.referenceWeights();
        if (reference == null) {
            return input.embeddings().sum().mul(GraphConstant.of(input.embeddings(), 0f));
        }
        return cm.evaluate(input.withClassWeights(reference));
    }
}
