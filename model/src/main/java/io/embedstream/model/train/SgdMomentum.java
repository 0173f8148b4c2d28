package io.embedstream.model.train;

import ai.djl.ndarray.NDArray;
import io.embedstream.model.net.NamedArray;
import java.util.ArrayList;
import java.util.List;

/** SGD with momentum and L2 weight decay, PyTorch semantics: b = mu b + (g + wd p); p -= lr b. */
public final class SgdMomentum implements Optimizer {
    private final float momentum;
    private final float weightDecay;
    private final List<NamedArray> buffers = new ArrayList<>();

    public SgdMomentum(List<NamedArray> parameters, float momentum, float weightDecay) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        for (NamedArray p : parameters) {
            buffers.add(new NamedArray(p.name() + ".momentum", p.array().zerosLike()));
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
            if (weightDecay != 0f) {
                g = g.add(p.mul(weightDecay));
            }
            NDArray buffer = buffers.get(i).array();
            buffer.muli(momentum).addi(g);
            p.subi(buffer.mul(lr));
        }
    }

    @Override
    public List<NamedArray> state() {
        return buffers;
    }
}
