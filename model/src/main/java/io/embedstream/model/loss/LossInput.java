package io.embedstream.model.loss;

import ai.djl.ndarray.NDArray;

/**
 * What every loss of the objective sees for one batch.
 *
 * @param embeddings raw network output (B x d), on the training device
 * @param labels class of each row, on the host (the losses build their masks from it)
 * @param classes number of classes C known in advance
 * @param classWeights the CM class weights (C x d), trainable; also the anti-collapse proxies
 */
public record LossInput(NDArray embeddings, int[] labels, int classes, NDArray classWeights) {

    public int batchSize() {
        return labels.length;
    }

    /** One-hot label matrix (B x C) on the embeddings' device. */
    public NDArray oneHot() {
        float[] data = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            data[i * classes + labels[i]] = 1f;
        }
        return embeddings.getManager().create(data, new ai.djl.ndarray.types.Shape(labels.length, classes));
    }

    /** Row-wise L2 norms (B x 1) as sqrt(sum x^2 + 1e-12), so that the gradient at 0 is finite. */
    static NDArray safeNorms(NDArray rows) {
        NDArray squares = rows.square().sum(new int[] {1}, true);
        return squares.add(GraphConstant.of(squares, 1e-12f)).sqrt();
    }
}
