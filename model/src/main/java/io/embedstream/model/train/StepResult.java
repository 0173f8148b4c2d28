package io.embedstream.model.train;

import java.util.Map;

/**
 * What one call of {@link EmbeddingTrainer#step} did.
 *
 * @param step number of updates applied so far, this one included
 * @param applied false when the guard skipped the update (non-finite loss or gradient)
 * @param skipReason why it was skipped, or null
 * @param loss the weighted total
 * @param components each term's unweighted value, by name (cm, ldmat, anticollapse_features, anticollapse_proxies)
 * @param gradientNorm global L2 norm of the gradient before clipping
 * @param learningRate the rate used
 * @param embeddings the batch's embeddings, row-major (B x d), from the forward pass of this step
 * @param labels the batch's labels
 * @param qualities the batch's estimated qualities, or null
 * @param nanos wall time of the step
 */
public record StepResult(
        long step, boolean applied, String skipReason, float loss, Map<String, Float> components,
        float gradientNorm, float learningRate, float[] embeddings, int[] labels, float[] qualities, long nanos) {

    public int batchSize() {
        return labels.length;
    }
}
