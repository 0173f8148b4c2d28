package io.embedstream.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.embedstream.model.net.HostTransfers;
import java.util.Locale;

/**
 * Anti-collapse term (Jiang et al., 2024): L = exp(-gamma2 R(V)) with the MCR^2 coding rate
 * R(V) = 1/2 logdet(I + c V^T V) of a set of unit vectors V. Minimising it spreads V over many directions.
 *
 * <p>DJL has no logdet, so R is computed on the host ({@link CodingRate}): the k x k Gram matrix is this term's one
 * read back to the host per step, the training step's only one besides its figures. The exact gradient is injected
 * with a surrogate: since dR/dV = c V A^-1,
 * {@code S = -gamma2 sg(L) (c/2) sum(sg(A^-1) .* G)} has the gradient of L, and {@code S - sg(S) + L}
 * has both its value and its gradient. The gradient reaches the raw vectors through their L2 normalisation.
 *
 * @param mode which vectors: the batch's embeddings or the class proxies present in the batch
 * @param gamma1 scales c, default 1
 * @param gamma2 exponent, default 1
 * @param eps distortion, default 0.5 (it plays the role of eps^2 in MCR^2)
 */
public record AntiCollapseLoss(Mode mode, float gamma1, float gamma2, float eps) implements EmbeddingLoss, java.io.Serializable {

    /** What the coding rate is measured on. */
    public enum Mode {
        /** V = the normalised batch embeddings, c = gamma1 d / (B eps) (the authors' "pair" mode). */
        FEATURES,
        /** V = the normalised CM class weights of the m classes present, c = gamma1 m / (d eps) ("batch_proxy"). */
        PROXIES;

        public static Mode parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown anti-collapse mode '" + name
                        + "'; expected features or proxies", e);
            }
        }
    }

    public AntiCollapseLoss {
        if (mode == null) {
            throw new IllegalArgumentException("anti-collapse mode must be set (features or proxies)");
        }
        if (!(gamma1 > 0) || !(gamma2 > 0) || !(eps > 0)) {
            throw new IllegalArgumentException("anti-collapse gamma1, gamma2 and eps must be positive, got "
                    + gamma1 + ", " + gamma2 + ", " + eps);
        }
    }

    public static AntiCollapseLoss defaults(Mode mode) {
        return new AntiCollapseLoss(mode, 1f, 1f, 0.5f);
    }

    @Override
    public String name() {
        return mode == Mode.FEATURES ? "anticollapse_features" : "anticollapse_proxies";
    }

    @Override
    public NDArray evaluate(LossInput input) {
        NDArray vectors;
        double c;
        int d = Math.toIntExact(input.embeddings().getShape().get(1));
        if (mode == Mode.FEATURES) {
            vectors = input.embeddings();
            c = gamma1 * d / (input.batchSize() * (double) eps);
        } else {
            int present = presentCount(input.labels(), input.classes());
            vectors = input.presentClassSelection(present).matMul(input.classWeights());
            c = gamma1 * present / (d * (double) eps);
        }
        NDArray v = vectors.div(LossInput.safeNorms(vectors));
        int n = Math.toIntExact(v.getShape().get(0));
        // Sylvester: logdet(I + c V^T V) = logdet(I + c V V^T); take the smaller Gram matrix.
        NDArray gram = n <= d ? v.matMul(v.transpose()) : v.transpose().matMul(v);
        int k = Math.min(n, d);
        CodingRate rate = CodingRate.of(HostTransfers.read(gram), k, c);
        double value = Math.exp(-gamma2 * rate.rate());
        float[] inverse = new float[k * k];
        for (int i = 0; i < inverse.length; i++) {
            inverse[i] = (float) rate.inverse()[i];
        }
        NDManager manager = gram.getManager();
        NDArray surrogate = gram.mul(manager.create(inverse, new Shape(k, k))).sum()
                .mul(GraphConstant.of(gram, (float) (-gamma2 * value * c / 2)));
        return surrogate.sub(surrogate.stopGradient()).add(GraphConstant.of(gram, (float) value));
    }

    /**
     * m, from the host's labels: it fixes the selection's shape and scales the host's coding rate, so it needs no
     * copy from the device (a shape the device would have to report would cost one).
     */
    private static int presentCount(int[] labels, int classes) {
        boolean[] seen = new boolean[classes];
        int count = 0;
        for (int label : labels) {
            if (!seen[label]) {
                seen[label] = true;
                count++;
            }
        }
        return count;
    }
}
