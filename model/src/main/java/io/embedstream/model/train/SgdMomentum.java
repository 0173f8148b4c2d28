package io.embedstream.model.train;

import ai.djl.ndarray.NDArray;
import io.embedstream.model.net.NamedArray;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with momentum and L2 weight decay, PyTorch semantics: b = mu b + (g + wd p); p -= lr b, the decay term only
 * on the tensors {@link DecayOn} names.
 */
public final class SgdMomentum implements Optimizer {
    private final float momentum;
    private final float weightDecay;
    private final List<NamedArray> buffers = new ArrayList<>();
    private final boolean[] decayed;

    /** Weight decay on every parameter. */
    public SgdMomentum(List<NamedArray> parameters, float momentum, float weightDecay) {
        this(parameters, momentum, weightDecay, DecayOn.ALL);
    }

    public SgdMomentum(List<NamedArray> parameters, float momentum, float weightDecay, DecayOn decayOn) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.decayed = new boolean[parameters.size()];
        for (int i = 0; i < parameters.size(); i++) {
            NamedArray p = parameters.get(i);
            buffers.add(new NamedArray(p.name() + ".momentum", p.array().zerosLike()));
            decayed[i] = decayOn.decays(p.array().getShape());
        }
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public void update(List<NDArray> parameters, List<NDArray> gradients, float lr, float gradScale, long step) {
        for (int i = 0; i < parameters.size(); i++) {
            NDArray p = parameters.get(i);
            NDArray g = gradScale == 1f ? gradients.get(i) : gradients.get(i).mul(gradScale);
            if (weightDecay != 0f && decayed[i]) {
                g = g.add(p.mul(weightDecay));
            }
            NDArray buffer = buffers.get(i).array();
            buffer.muli(momentum).addi(g);
            p.subi(buffer.mul(lr));
        }
    }

    @Override
    public void resizeRows(int index, long rows) {
        NamedArray old = buffers.get(index);
        buffers.set(index, new NamedArray(old.name(), Rows.resize(old.array(), rows)));
        old.array().close();
    }

    @Override
    public List<NamedArray> state() {
        return buffers;
    }
}
