package io.embedstream.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * LDMAT (Ribeiro et al., 2024), as reconstructed in the loss spec: the matrix of Euclidean distances between
 * the raw embeddings of a batch is pulled towards a label matrix (0 within a class, {@code margin} across
 * classes, {@code delta} within a class to leave some spread).
 *
 * <pre>
 *   D_f[i,j] = sqrt(max(|x_i|^2 + |x_j|^2 - 2 x_i.x_j, 0) + 1e-12), diagonal masked
 *   T[i,j]   = margin if y_i != y_j, delta if y_i == y_j and i != j, 0 on the diagonal
 *   L        = (1/B^2) sum_ij (D_f - T)^2
 * </pre>
 *
 * Needs at least two classes per batch, or the target is all zeros and the features collapse.
 *
 * @param margin distance between classes, default 1
 * @param delta within-class relaxation, default 0
 */
public record LdmatLoss(float margin, float delta) implements EmbeddingLoss, java.io.Serializable {

    public LdmatLoss {
        if (!(margin > 0) || !Float.isFinite(margin)) {
            throw new IllegalArgumentException("LDMAT margin must be positive, got " + margin);
        }
        if (!(delta >= 0) || !Float.isFinite(delta)) {
            throw new IllegalArgumentException("LDMAT delta must be >= 0, got " + delta);
        }
    }

    public static LdmatLoss defaults() {
        return new LdmatLoss(1f, 0f);
    }

    @Override
    public String name() {
        return "ldmat";
    }

    @Override
    public NDArray evaluate(LossInput input) {
        int b = input.batchSize();
        requireTwoClasses(input.labels());
        NDArray x = input.embeddings();
        // Target and mask come from the device's label tensor. Every product is of a 0/1 mask, so exact: the
        // mask is exactly 0 or 1, the target exactly 0, delta or margin.
        NDArray mask = GraphConstant.of(x, 1f).sub(x.getManager().eye(b));
        NDArray same = input.sameClass().toType(DataType.FLOAT32, false);
        NDArray t = same.mul(GraphConstant.of(x, delta))
                .add(GraphConstant.of(x, 1f).sub(same).mul(GraphConstant.of(x, margin))).mul(mask);
        NDArray squared = x.square().sum(new int[] {1}, true);
        NDArray d2 = squared.add(squared.transpose()).sub(x.matMul(x.transpose()).mul(GraphConstant.of(x, 2f)))
                .maximum(GraphConstant.of(x, 0f));
        NDArray distances = d2.mul(mask).add(GraphConstant.of(x, 1e-12f)).sqrt();
        return distances.sub(t).square().mul(mask).sum().div(GraphConstant.of(x, (float) b * b));
    }

    static void requireTwoClasses(int[] labels) {
        for (int label : labels) {
            if (label != labels[0]) {
                return;
            }
        }
        throw new IllegalArgumentException("LDMAT needs at least two classes in a batch, got "
                + labels.length + " samples all of class " + (labels.length == 0 ? "-" : labels[0])
                + " (the batcher must mix classes, or set the LDMAT weight to 0)");
    }
}
