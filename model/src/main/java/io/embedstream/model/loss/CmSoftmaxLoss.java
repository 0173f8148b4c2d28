package io.embedstream.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * CM-M-Softmax (Liu et al., 2024): a cosine-margin softmax whose logits are scaled by sigmoid(|x|), the
 * contraction mapping of the feature norm, so that the norm acts as an implicit quality estimate without
 * letting its range explode.
 *
 * <pre>
 *   cos_ij   = &lt;x_i/|x_i|, W_j/|W_j|&gt;
 *   logit_ij = sigmoid(|x_i|) * s * (cos_ij - m [j == y_i])      (sigmoid factor only with contraction)
 *   L        = mean_i CE(logit_i, y_i)
 * </pre>
 *
 * With {@code cosine = false} the logits are the plain inner products x W^T: the plain-softmax baseline.
 *
 * @param scale s, default 30
 * @param margin m, additive cosine margin, default 0.4 (0 gives plain CM-M-Softmax)
 * @param contraction multiply logits by sigmoid(|x|), default true
 * @param cosine normalise features and class weights, default true
 */
public record CmSoftmaxLoss(float scale, float margin, boolean contraction, boolean cosine) implements EmbeddingLoss, java.io.Serializable {

    public static final float DEFAULT_SCALE = 30f;
    public static final float DEFAULT_MARGIN = 0.4f;

    public CmSoftmaxLoss {
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("CM scale s must be a positive number, got " + scale);
        }
        if (!(margin >= 0) || !Float.isFinite(margin)) {
            throw new IllegalArgumentException("CM margin m must be >= 0, got " + margin);
        }
    }

    /** The spec's default ("Margin&amp;CM"): s = 30, m = 0.4, contraction on. */
    public static CmSoftmaxLoss defaults() {
        return new CmSoftmaxLoss(DEFAULT_SCALE, DEFAULT_MARGIN, true, true);
    }

    /** Plain softmax cross-entropy on x W^T: no normalisation, no margin, no contraction. */
    public static CmSoftmaxLoss plainSoftmax() {
        return new CmSoftmaxLoss(1f, 0f, false, false);
    }

    @Override
    public String name() {
        return "cm";
    }

    @Override
    public NDArray evaluate(LossInput input) {
        NDArray x = input.embeddings();
        NDArray w = input.classWeights();
        NDArray oneHot = input.oneHot();
        NDArray logits;
        if (cosine) {
            NDArray norms = LossInput.safeNorms(x);
            NDArray cos = x.div(norms).matMul(w.div(LossInput.safeNorms(w)).transpose());
            NDArray phi = margin == 0f ? cos : cos.sub(oneHot.mul(GraphConstant.of(oneHot, margin)));
            logits = phi.mul(GraphConstant.of(phi, scale));
            if (contraction) {
                logits = logits.mul(Activation.sigmoid(norms));
            }
        } else {
            logits = x.matMul(w.transpose());
        }
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
    }
}
