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
 * <p>DJL has no logdet, so R is computed on the host ({@link CodingRate}) and the exact gradient is injected
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
            int[] present = presentClasses(input.labels(), input.classes());
            vectors = selectRows(input.embeddings().getManager(), input.classWeights(), present, input.classes());
            c = gamma1 * present.length / (d * (double) eps);
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

    private static int[] presentClasses(int[] labels, int classes) {
        boolean[] seen = new boolean[classes];
        int count = 0;
        for (int label : labels) {
            if (!seen[label]) {
                seen[label] = true;
                count++;
            }
        }
        int[] present = new int[count];
        for (int c = 0, i = 0; c < classes; c++) {
            if (seen[c]) {
                present[i++] = c;
            }
        }
        return present;
    }

    /** Rows of W by a one-hot selection product, which keeps the gradient path engine-independent. */
    private static NDArray selectRows(NDManager manager, NDArray weights, int[] rows, int classes) {
        float[] selection = new float[rows.length * classes];
        for (int i = 0; i < rows.length; i++) {
            selection[i * classes + rows[i]] = 1f;
        }
        return manager.create(selection, new Shape(rows.length, classes)).matMul(weights);
    }
}
