package io.embedstream.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * What every loss of the objective sees for one batch.
 *
 * <p>The labels go to the device once, as one tensor; every mask a loss needs (the one-hot matrix, LDMAT's
 * same-class matrix, the classes present) is computed from it there, so that no mask is built on the host and
 * copied per loss. The host copy of the labels stays for validation and the batch's bookkeeping only.
 */
public final class LossInput {
    private final NDArray embeddings;
    private final int[] labels;
    private final int classes;
    private final NDArray classWeights;
    private final NDArray labelArray;
    /** The previous version's class weights (C x d, constant) for {@link BctLoss}; null when there are none. */
    private final NDArray referenceWeights;
    private NDArray oneHot;

    /**
     * @param embeddings raw network output (B x d), on the training device
     * @param labels class of each row (host copy; uploaded once here)
     * @param classes number of classes C known in advance
     * @param classWeights the CM class weights (C x d), trainable; also the anti-collapse proxies
     */
    public LossInput(NDArray embeddings, int[] labels, int classes, NDArray classWeights) {
        this(embeddings, upload(embeddings.getManager(), labels), labels, classes, classWeights);
    }

    /**
     * With labels already on the device ({@link #upload}): the trainer uploads them with the pixels, before the
     * forward pass is queued, so that the copy does not wait for it.
     */
    public LossInput(NDArray embeddings, NDArray labelArray, int[] labels, int classes, NDArray classWeights) {
        this(embeddings, labelArray, labels, classes, classWeights, null);
    }

    /**
     * With the previous version's class weights ({@code C x d}, not trained) that {@link BctLoss} scores the
     * embeddings by; null when there is no previous version.
     */
    public LossInput(NDArray embeddings, NDArray labelArray, int[] labels, int classes, NDArray classWeights,
                     NDArray referenceWeights) {
        if (labelArray.getShape().dimension() != 1 || labelArray.getShape().get(0) != labels.length) {
            throw new IllegalArgumentException("label array " + labelArray.getShape() + " does not hold "
                    + labels.length + " labels");
        }
        this.embeddings = embeddings;
        this.labels = labels.clone();
        this.classes = classes;
        this.classWeights = classWeights;
        this.labelArray = labelArray;
        this.referenceWeights = referenceWeights;
    }

    /** The labels as one int64 array of {@code manager} (its device): one host-to-device copy. */
    public static NDArray upload(NDManager manager, int[] labels) {
        long[] wide = new long[labels.length];
        for (int i = 0; i < labels.length; i++) {
            wide[i] = labels[i];
        }
        return manager.create(wide);
    }

    public NDArray embeddings() {
        return embeddings;
    }

    /** The labels on the host: for validation, never for building masks. */
    public int[] labels() {
        return labels.clone();
    }

    public int classes() {
        return classes;
    }

    public NDArray classWeights() {
        return classWeights;
    }

    /** The previous version's class weights, or null: see {@link BctLoss}. */
    public NDArray referenceWeights() {
        return referenceWeights;
    }

    /** The same batch scored against other class weights (same rows, same labels; no reference weights). */
    LossInput withClassWeights(NDArray weights) {
        LossInput other = new LossInput(embeddings, labelArray, labels, classes, weights, null);
        other.oneHot = oneHot;
        return other;
    }

    public int batchSize() {
        return labels.length;
    }

    /** The labels on the embeddings' device (B, int64): the one tensor every mask is derived from. */
    public NDArray labelArray() {
        return labelArray;
    }

    /** One-hot label matrix (B x C, float) on the embeddings' device, made there once per batch. */
    public NDArray oneHot() {
        if (oneHot == null) {
            oneHot = oneHot(labelArray);
        }
        return oneHot;
    }

    /**
     * Rows of class indices (int64) as one-hot rows, by comparison with 0..C-1. Not PyTorch's one_hot: on the CPU
     * it checks the indices' range by reading their minimum and maximum back ({@code aten::item}).
     */
    private NDArray oneHot(NDArray indices) {
        NDArray all = indices.getManager().arange(0f, (float) classes, 1f, DataType.INT64);
        return indices.reshape(-1, 1).eq(all.reshape(1, classes)).toType(DataType.FLOAT32, false);
    }

    /** Same-class matrix (B x B, boolean) on the device: [i, j] is true when rows i and j share a label. */
    NDArray sameClass() {
        int b = labels.length;
        return labelArray.reshape(b, 1).eq(labelArray.reshape(1, b));
    }

    /**
     * The one-hot selection (m x C, float) of the classes present in the batch, in ascending class order, built on
     * the device: the present classes get their index as key and the absent ones C plus theirs, so the first m of
     * the ascending sort are the present classes in order. The selection times W gives exactly W's present rows.
     *
     * @param present m, the number of distinct labels (the caller knows it from the host's labels)
     */
    NDArray presentClassSelection(int present) {
        NDArray seen = oneHot().max(new int[] {0});
        NDArray index = seen.getManager().arange(0f, (float) classes, 1f, DataType.FLOAT32);
        NDArray key = index.add(GraphConstant.of(seen, 1f).sub(seen).mul(GraphConstant.of(seen, (float) classes)));
        return oneHot(key.argSort(0, true).get(new NDIndex("0:" + present)));
    }

    /** Row-wise L2 norms (B x 1) as sqrt(sum x^2 + 1e-12), so that the gradient at 0 is finite. */
    static NDArray safeNorms(NDArray rows) {
        NDArray squares = rows.square().sum(new int[] {1}, true);
        return squares.add(GraphConstant.of(squares, 1e-12f)).sqrt();
    }
}
