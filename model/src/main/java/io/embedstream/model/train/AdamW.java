package io.embedstream.model.train;

import ai.djl.ndarray.NDArray;
import io.embedstream.model.net.NamedArray;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter): p *= 1 - lr wd on the tensors {@link DecayOn} names,
 * then the bias-corrected Adam step.
 */
public final class AdamW implements Optimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final List<NamedArray> state = new ArrayList<>();
    private final boolean[] decayed;

    /** Weight decay on every parameter. */
    public AdamW(List<NamedArray> parameters, float beta1, float beta2, float epsilon, float weightDecay) {
        this(parameters, beta1, beta2, epsilon, weightDecay, DecayOn.ALL);
    }

    public AdamW(List<NamedArray> parameters, float beta1, float beta2, float epsilon, float weightDecay,
                 DecayOn decayOn) {
        this.decayed = new boolean[parameters.size()];
        for (int i = 0; i < parameters.size(); i++) {
            decayed[i] = decayOn.decays(parameters.get(i).array().getShape());
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        for (NamedArray p : parameters) {
            state.add(new NamedArray(p.name() + ".m", p.array().zerosLike()));
        }
        for (NamedArray p : parameters) {
            state.add(new NamedArray(p.name() + ".v", p.array().zerosLike()));
        }
    }

    @Override
    public String name() {
        return "adamw";
    }

    @Override
    public void update(List<NDArray> parameters, List<NDArray> gradients, float lr, float gradScale, long step) {
        int n = parameters.size();
        float correction1 = (float) (1 - Math.pow(beta1, step));
        float correction2 = (float) (1 - Math.pow(beta2, step));
        for (int i = 0; i < n; i++) {
            NDArray p = parameters.get(i);
            NDArray g = gradScale == 1f ? gradients.get(i) : gradients.get(i).mul(gradScale);
            NDArray m = state.get(i).array();
            NDArray v = state.get(n + i).array();
            if (weightDecay != 0f && decayed[i]) {
                p.muli(1f - lr * weightDecay);
            }
            m.muli(beta1).addi(g.mul(1f - beta1));
            v.muli(beta2).addi(g.square().mul(1f - beta2));
            NDArray denominator = v.div(correction2).sqrt().add(epsilon);
            p.subi(m.div(denominator).mul(lr / correction1));
        }
    }

    @Override
    public void resizeRows(int index, long rows) {
        int n = decayed.length;
        for (int slot : new int[] {index, n + index}) {
            NamedArray old = state.get(slot);
            state.set(slot, new NamedArray(old.name(), Rows.resize(old.array(), rows)));
            old.array().close();
        }
    }

    @Override
    public List<NamedArray> state() {
        return state;
    }
}
